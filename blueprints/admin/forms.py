from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from core.forms import VersionedForm, enum_choices
from core.i18n import lazy_gettext as _l
from core.labels import ROLE_LABELS
from core.roles import Role
from core.validators import strong_password

STAFF_ROLES = {r: ROLE_LABELS[r] for r in (Role.lab_staff, Role.lab_manager, Role.admin)}


class StaffAccountForm(VersionedForm):
    """Admins create the accounts of lab staff and of other admins."""
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
