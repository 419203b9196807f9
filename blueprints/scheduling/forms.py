from wtforms import (
    DateField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    SubmitField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from blueprints.scheduling.labels import DAY_KIND_LABELS, RESOURCE_KIND_LABELS, WEEKDAY_LABELS
from core.forms import EnumSelectField, Form, PositiveIntField, VersionedForm
from core.i18n import lazy_gettext as _l


class ResourceForm(VersionedForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Name the resource.")),
                                               Length(max=100)])
    kind = EnumSelectField(_l("Kind"), RESOURCE_KIND_LABELS)
    opens = TimeField(_l("Opens"), validators=[DataRequired(_l("Enter the opening time."))])
    closes = TimeField(_l("Closes"), validators=[DataRequired(_l("Enter the closing time."))])
    weekdays = SelectMultipleField(
        _l("Open on"), choices=[SelectChoice(str(i), label) for i, label in enumerate(WEEKDAY_LABELS)],
        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
        validators=[DataRequired(_l("Choose at least one day."))])
    slot_minutes = PositiveIntField(_l("Slot length (minutes)"), maximum=480)
    capacity = PositiveIntField(_l("Bookings per slot"), maximum=500)
    submit = SubmitField(_l("Save"))

    def validate_closes(self, field):
        if self.opens.data and field.data and field.data <= self.opens.data:
            raise ValidationError(_l("It must close after it opens."))


class CalendarDayForm(Form):
    day = DateField(_l("Day"), validators=[DataRequired(_l("Choose the day."))])
    kind = EnumSelectField(_l("The day is"), DAY_KIND_LABELS)
    name = StringField(_l("Name"), validators=[Length(max=100)],
                       description=_l("For example: National Day, or a power cut."))
    submit = SubmitField(_l("Add"))
