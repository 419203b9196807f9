from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, ValidationError

from core.converters import MAX_ID
from core.forms import Form, VersionedForm, enum_choices
from core.i18n import lazy_gettext as _l
from core.labels import ROLE_LABELS
from core.roles import Role
from core.validators import strong_password

STAFF_ROLES = {r: ROLE_LABELS[r] for r in (Role.lab_staff, Role.lab_manager, Role.admin,
                                           Role.expert)}


class StaffAccountForm(VersionedForm):
    """Admins create the accounts of lab staff, of other admins and of the clinic's
    outside experts."""
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter the person's name.")),
                                               Length(max=100)])
    email = EmailField(_l("E-mail (they sign in with it)"), validators=[
        DataRequired(_l("Enter an e-mail address.")),
        Email(_l("Enter an e-mail address such as name@example.com.")), Length(max=254)],
        filters=[lambda v: (v or "").strip().lower()])
    role = SelectField(_l("Role"), choices=enum_choices(STAFF_ROLES),
                       coerce=Role)
    lab_id = SelectField(_l("Lab"), coerce=int)
    job_title = StringField(_l("Job title"), validators=[Length(max=100)])
    password = PasswordField(_l("Initial password"),
                             description=_l("Give it to the person; they should change it."),
                             validators=[Optional(), strong_password],
                             render_kw={"autocomplete": "new-password"})
    active = BooleanField(_l("Account active"), default=True)
    submit = SubmitField(_l("Save"))

    def validate_lab_id(self, field):
        if self.role.data in (Role.lab_staff, Role.lab_manager) and not field.data:
            raise ValidationError(_l("Lab staff must belong to a lab."))


class AuditFilterForm(Form):
    """The audit log's filters, read from the page's address (no CSRF: it changes
    nothing)."""
    class Meta:
        csrf = False

    number = StringField(_l("Request number"), validators=[Optional(), Length(max=40)],
                         description=_l("QD-2026-000123, or a part: QD-2026-000123-1"))
    who = StringField(_l("Person"), validators=[Optional(), Length(max=100)],
                      description=_l("Part of a name, e-mail or mobile number"))
    action = SelectField(_l("What happened"), validators=[Optional()], validate_choice=True)
    entity = SelectField(_l("Record type"), validators=[Optional()], validate_choice=True)
    entity_id = IntegerField(_l("Record id"), validators=[
        Optional(), NumberRange(min=1, max=MAX_ID, message=_l("Enter a record id."))])
    since = DateField(_l("From (date)"), validators=[Optional()])
    until = DateField(_l("To (date)"), validators=[Optional()])

    def validate_until(self, field):
        if self.since.data and field.data and field.data < self.since.data:
            raise ValidationError(_l("The end date comes before the start date."))
