from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from blueprints.catalogue.grade_scales import GRADE_SCALES
from blueprints.catalogue.kinds import LimitKind
from blueprints.catalogue.labels import (
    GRADE_SCALE_LABELS,
    INDUSTRY_LABELS,
    LIMIT_LABELS,
    SERVICE_KIND_LABELS,
)
from blueprints.standards.labels import STANDARD_STATUS_LABELS
from blueprints.standards.models import StandardStatus
from blueprints.standards.references import UnreadableReference, parse_one
from core.forms import (
    EnumSelectField,
    Form,
    MeasureField,
    MoneyField,
    PositiveIntField,
    VersionedForm,
    enum_choices,
)
from core.i18n import lazy_gettext as _l


class ParameterForm(Form):
    """One row of the parameter table; a row with no name is ignored."""
    class Meta:
        csrf = False  # the enclosing form carries the token

    # Which stored parameter the row edits (empty for a new one).
    parameter_id = HiddenField()
    name_zh = StringField(_l("Parameter (Chinese)"), validators=[Length(max=200)])
    name_en = StringField(_l("Parameter (English)"), validators=[Length(max=200)])
    unit = StringField(_l("Unit"), validators=[Length(max=40)])
    limit_kind = EnumSelectField(_l("Limit"), LIMIT_LABELS, default=LimitKind.none)
    limit_min = MeasureField(_l("Lower limit"), validators=[Optional()])
    limit_max = MeasureField(_l("Upper limit"), validators=[Optional()])
    limit_text = StringField(_l("Requirement"), validators=[Length(max=200)])
    has_uncertainty = BooleanField(_l("Uncertainty reported"))
    detection_limit = MeasureField(_l("Detection limit"), validators=[Optional()],
                                   description=_l("A result of ND is below it."))
    grade_scale = SelectField(_l("Grade scale"), default="", choices=[
        SelectChoice(key, label) for key, label in GRADE_SCALE_LABELS.items()])

    @property
    def is_blank(self) -> bool:
        return not (self.name_zh.data or "").strip() and not (self.name_en.data or "").strip()

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.is_blank:
            return ok
        kind = self.limit_kind.data
        if not (self.name_zh.data or "").strip() or not (self.name_en.data or "").strip():
            self.name_zh.errors.append(_l("Name the parameter in both Chinese and English."))
            ok = False
        if kind in (LimitKind.min, LimitKind.range) and self.limit_min.data is None:
            self.limit_min.errors.append(_l("This limit needs a lower value."))
            ok = False
        if kind in (LimitKind.max, LimitKind.range) and self.limit_max.data is None:
            self.limit_max.errors.append(_l("This limit needs an upper value."))
            ok = False
        if (kind == LimitKind.range and self.limit_min.data is not None
                and self.limit_max.data is not None and self.limit_min.data > self.limit_max.data):
            self.limit_max.errors.append(_l("The upper limit is below the lower limit."))
            ok = False
        if self.detection_limit.data is not None and self.detection_limit.data <= 0:
            self.detection_limit.errors.append(_l("A detection limit is above zero."))
            ok = False
        if kind == LimitKind.text and not (self.limit_text.data or "").strip():
            self.limit_text.errors.append(_l("State the requirement."))
            ok = False
        scale = GRADE_SCALES.get(self.grade_scale.data or "")
        for limit in (self.limit_min, self.limit_max) if scale else ():
            value = limit.data
            if value is not None and (value != value.to_integral()
                                      or not 1 <= value <= len(scale.grades)):
                limit.errors.append(_l("On this scale a limit is one of its grades, from 1 "
                                       "to %(n)s (%(scale)s).", n=len(scale.grades),
                                       scale=scale.summary()))
                ok = False
        return ok


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ServiceForm(VersionedForm):
    code = StringField(_l("Code"), validators=[
        DataRequired(_l("Enter a code, such as TX-001.")), Length(max=20),
        Regexp(r"^[A-Z0-9-]+$", message=_l("Use capital letters, digits and hyphens only."))],
        filters=[lambda v: (v or "").strip().upper()])
    kind = EnumSelectField(_l("Kind"), SERVICE_KIND_LABELS)
    name_zh = StringField(_l("Name (Chinese)"), validators=[DataRequired(_l("Enter the Chinese name.")),
                                                            Length(max=200)])
    name_en = StringField(_l("Name (English)"), validators=[DataRequired(_l("Enter the English name.")),
                                                            Length(max=200)])
    method_standard = StringField(_l("Method standard"), validators=[
        DataRequired(_l("Name the method standard, such as GB/T 3923.1-2013.")), Length(max=200)])
    industries = MultiCheckboxField(_l("Industry chains served"),
                                    choices=enum_choices(INDUSTRY_LABELS))
    description_zh = TextAreaField(_l("Description (Chinese)"), validators=[Length(max=4000)])
    description_en = TextAreaField(_l("Description (English)"), validators=[Length(max=4000)])
    sample_requirements_zh = TextAreaField(_l("Sample requirements (Chinese)"),
                                           validators=[Length(max=4000)])
    sample_requirements_en = TextAreaField(_l("Sample requirements (English)"),
                                           validators=[Length(max=4000)])
    price = MoneyField(_l("Catalogue price (yuan)"))
    turnaround_days = PositiveIntField(_l("Turnaround (working days)"), maximum=365)
    is_active = BooleanField(_l("Shown in the catalogue"), default=True)
    parameters = FieldList(FormField(ParameterForm), min_entries=1)
    submit = SubmitField(_l("Save"))

    def validate_industries(self, field):
        if not field.data:
            raise ValidationError(_l("Choose at least one industry chain."))


CHANGEABLE_STATUS_LABELS = {s: STANDARD_STATUS_LABELS[s] for s in (
    StandardStatus.withdrawn, StandardStatus.replaced, StandardStatus.current)}


class StandardStatusForm(Form):
    """An administrator records that a standard was withdrawn or replaced (or is in
    force again); `status_was` catches a second administrator acting on the same."""
    status = EnumSelectField(_l("New status"), CHANGEABLE_STATUS_LABELS)
    on = DateField(_l("From (date)"), validators=[Optional()])
    successor = StringField(_l("Replaced by (standard number)"),
                            validators=[Optional(), Length(max=80)])
    status_was = HiddenField()

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        # (Optional() ends the date's own checks when it is empty, so this sits here.)
        if self.status.data != StandardStatus.current and self.on.data is None \
                and not self.on.errors:
            self.on.errors = [*self.on.errors, _l("Give the date from which it no longer "
                                                   "applies.")]
            ok = False
        return ok

    def validate_successor(self, field):
        if self.status.data == StandardStatus.replaced and not field.data:
            raise ValidationError(_l("Name the standard that replaces it."))
        if field.data:
            try:
                parse_one(field.data)
            except UnreadableReference:
                raise ValidationError(_l("This is not a standard number the desk can read, "
                                         "such as GB/T 3920-2024.")) from None
