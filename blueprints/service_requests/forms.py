from flask_wtf.file import FileField, FileRequired
from wtforms import (
    FieldList,
    FormField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from blueprints.service_requests.labels import LEVEL_LABELS
from blueprints.service_requests.satisfaction import Level, is_bad
from core.forms import Form, MoneyField, VersionedForm
from core.i18n import lazy_gettext as _l
from core.validators import phone_number


class ItemForm(Form):
    """One row: a service on a sample. A row left wholly empty is ignored; a row with
    a sample or requirements but no service is refused, never dropped."""
    class Meta:
        csrf = False

    # The searchable picker sends "" for a row it has cleared: the same as "—".
    service_id = SelectField(_l("Service"), coerce=lambda v: int(v) if v not in ("", None)
                             else 0, validate_choice=True)
    sample_description = StringField(_l("Sample"), validators=[Length(max=300)])
    quantity = IntegerField(_l("Quantity"), default=1, validators=[
        Optional(), NumberRange(min=1, max=1000, message=_l("From 1 to 1000."))])
    requirements = StringField(_l("Requirements"), validators=[Length(max=1000)])

    @property
    def is_blank(self) -> bool:
        return not self.service_id.data

    @property
    def is_empty(self) -> bool:
        return self.is_blank and not (self.sample_description.data or self.requirements.data)

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if not self.is_blank and not self.sample_description.data:
            self.sample_description.errors.append(_l("Describe the sample."))
            ok = False
        if self.is_blank and not self.is_empty:
            self.service_id.errors.append(_l("Choose the service for this sample, or clear "
                                             "the row."))
            ok = False
        return ok


class RequestForm(VersionedForm):
    title = StringField(_l("What is it about?"), validators=[
        DataRequired(_l("Give the request a short title.")), Length(max=200)],
        description=_l("For example: spring children's wear fabrics, batch 12."))
    contact_name = StringField(_l("Contact person"), validators=[
        DataRequired(_l("Enter a contact person.")), Length(max=100)])
    contact_phone = StringField(_l("Contact phone"), validators=[
        DataRequired(_l("Enter a contact phone number.")), phone_number])
    notes = TextAreaField(_l("Notes for the lab"), validators=[Length(max=4000)])
    items = FieldList(FormField(ItemForm), min_entries=1, max_entries=50)
    save = SubmitField(_l("Save draft"))

    def validate_items(self, field):
        if all(row.form.is_empty for row in field):
            field.errors.append(_l("Add at least one service."))


class AttachmentForm(Form):
    file = FileField(_l("Attach a file (PDF, JPEG or PNG, up to 10 MB)"),
                     validators=[FileRequired(_l("Choose a file."))])
    upload = SubmitField(_l("Upload"))


class ReasonActionForm(VersionedForm):
    reason = TextAreaField(_l("Reason"), validators=[
        DataRequired(_l("Give a reason the applicant will read.")), Length(max=2000)])
    submit = SubmitField(_l("Confirm"))


class VersionedActionForm(VersionedForm):
    """A state-changing button: CSRF token and the version it was shown at."""
    submit = SubmitField(_l("Confirm"))


class QuoteLineForm(Form):
    class Meta:
        csrf = False

    item_id = IntegerField()
    price = MoneyField(_l("Unit price (yuan)"))
    price_reason = StringField(_l("Reason for a changed price"), validators=[Length(max=500)])
    method_deviation = StringField(_l("Deviation from the method"), validators=[Length(max=500)])


class QuoteForm(VersionedForm):
    lines = FieldList(FormField(QuoteLineForm))
    submit = SubmitField(_l("Accept and send the quote"))


class AssignForm(VersionedForm):
    assignee_id = SelectField(_l("Analyst"), coerce=int)
    submit = SubmitField(_l("Assign"))


class ReceiveLineForm(Form):
    class Meta:
        csrf = False

    item_id = IntegerField()
    condition = StringField(_l("Condition on receipt"), validators=[
        DataRequired(_l("Describe the sample's condition.")), Length(max=500)],
        default=_l("Intact"))


class ReceiveForm(VersionedForm):
    lines = FieldList(FormField(ReceiveLineForm))
    submit = SubmitField(_l("Record receipt and print labels"))


class RatingForm(Form):
    # Who follows a bad review up, as the refusal of a bad one without a word says.
    bad_without_comment = _l("Tell the lab what went wrong, so it can follow up.")
    level = RadioField(_l("How satisfied are you with this service?"), coerce=int,
                       choices=[SelectChoice(level.value, label)
                                for level, label in LEVEL_LABELS.items()],
                       validators=[InputRequired(_l("Choose one of the five levels."))])
    comment = TextAreaField(_l("Comment"), validators=[Length(max=2000)])
    submit = SubmitField(_l("Send my rating"))

    def validate_comment(self, field):
        level = self.level.data
        if level in Level._value2member_map_ and is_bad(Level(level)) and not field.data:
            raise ValidationError(self.bad_without_comment)


class FollowUpForm(Form):
    follow_up_note = TextAreaField(_l("What was done"), validators=[
        DataRequired(_l("Describe the follow-up.")), Length(max=2000)])
    submit = SubmitField(_l("Record the follow-up"))


class NoteForm(VersionedForm):
    work_conditions = StringField(
        _l("Conditions during the work (printed on the report)"),
        description=_l("For example: 23.1 °C, 48 %RH; or the test conditions the method asks for."),
        validators=[Length(max=500)])
    internal_note = TextAreaField(_l("Internal note (never shown to the applicant)"),
                                  validators=[Length(max=4000)])
    submit = SubmitField(_l("Save"))
