from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError

from blueprints.auth.forms import NewPasswordMixin
from blueprints.catalogue.labels import INDUSTRY_LABELS
from blueprints.enterprises import uscc
from blueprints.enterprises.labels import (
    ENTERPRISE_SIZE_LABELS,
    RECORD_KIND_LABELS,
    RECORD_LEVEL_LABELS,
)
from core.forms import EnumSelectField, Form, VersionedForm
from core.i18n import lazy_gettext as _l
from core.validators import phone_number

USCC_MESSAGES = {
    "empty": _l("Enter the 18-character Unified Social Credit Code."),
    "length": _l("The code has %(detail)s characters; a Unified Social Credit Code has exactly 18."),
    "excluded_letter": _l("The code contains the letter %(detail)s. Credit codes never use I, O, Z, S or V; check for a mistyped digit (1, 0, 2, 5) or U."),
    "bad_character": _l("The code contains “%(detail)s”. Credit codes use only digits and capital letters."),
    "authority_type": _l("A credit code cannot start with “%(detail)s” (the first two characters give the registering authority and type, such as 91 for an enterprise)."),
    "division": _l("Characters 3 to 8 must be the 6-digit administrative division code, not “%(detail)s”."),
    "checksum": _l("The check character (the 18th) does not match the rest of the code. Please check the code for a typing mistake."),
}


def uscc_message(err: uscc.UsccError) -> str:
    return USCC_MESSAGES[err.reason] % {"detail": err.detail}


class UsccField(StringField):
    """Takes a code as typed and keeps it normalised in .data."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.data = uscc.normalise(self.data or "")


def valid_uscc(form, field):
    """A valid code; on the admin's form with the override ticked, a code whose only
    fault is its check character (DOMAIN.md: real pilot-era codes)."""
    try:
        field.data = uscc.validate(field.data)
    except uscc.UsccError as err:
        overriding = getattr(form, "override", None) is not None and form.override.data
        if not (overriding and err.reason == "checksum"):
            raise ValidationError(uscc_message(err)) from err
        field.data = uscc.normalise(field.data)
        field.fails_checksum = True


class EnterpriseFields(Form):
    name = StringField(_l("Enterprise name"), validators=[
        DataRequired(_l("Enter the enterprise's registered name.")), Length(max=200)])
    legal_representative = StringField(_l("Legal representative"), validators=[
        DataRequired(_l("Enter the legal representative's name.")), Length(max=100)])
    address = StringField(_l("Registered address"), validators=[
        DataRequired(_l("Enter the address.")), Length(max=300)])
    industry_chain = EnumSelectField(_l("Industry chain"), INDUSTRY_LABELS)
    size = EnumSelectField(_l("Size"), ENTERPRISE_SIZE_LABELS)
    contact_phone = StringField(_l("Contact phone"), validators=[
        DataRequired(_l("Enter a contact phone number.")), phone_number],
        render_kw={"autocomplete": "tel", "inputmode": "tel"})


class LicenceFields(Form):
    """The business licence, as a photo or a scan (blueprints/enterprises/licence.py)."""
    licence = FileField(_l("Business licence"), description=_l(
        "A photo or scan of the business licence (营业执照): JPEG, PNG or PDF, up to 10 MB. "
        "The desk compares it with the name and code before verifying."),
        render_kw={"accept": "image/jpeg,image/png,application/pdf"})
    licence_kept = HiddenField()


class EnterpriseRegistrationForm(NewPasswordMixin, LicenceFields, EnterpriseFields):
    uscc = UsccField(_l("Unified Social Credit Code"), validators=[valid_uscc],
                     description=_l("18 characters, printed on the business licence."),
                     render_kw={"autocomplete": "off", "spellcheck": "false",
                                "autocapitalize": "characters"})
    contact_name = StringField(_l("Your name"), validators=[
        DataRequired(_l("Enter your name.")), Length(max=100)])
    email = EmailField(_l("Your e-mail (you sign in with it)"), validators=[
        DataRequired(_l("Enter your e-mail address.")),
        Email(_l("Enter an e-mail address such as name@example.com.")), Length(max=254)],
        render_kw={"autocomplete": "email"})
    submit = SubmitField(_l("Register the enterprise"))


class AdminEnterpriseForm(LicenceFields, EnterpriseFields):
    """An admin registers an enterprise, possibly one whose pilot-era code fails
    the checksum (DOMAIN.md: by explicit override, recorded in the audit log)."""
    uscc = UsccField(_l("Unified Social Credit Code"), validators=[valid_uscc])
    override = BooleanField(_l("Accept this code although it fails the GB 32100 check"))
    override_reason = TextAreaField(_l("Why the code is accepted"), validators=[Length(max=2000)])
    first_user_email = EmailField(_l("E-mail of the enterprise's first user"), validators=[
        DataRequired(_l("Enter an e-mail address.")),
        Email(_l("Enter an e-mail address such as name@example.com."))])
    submit = SubmitField(_l("Register and invite"))

    def validate_override_reason(self, field):
        if self.override.data and not (field.data or "").strip():
            raise ValidationError(_l("Say why a code that fails the check is accepted."))


class EnterpriseEditForm(VersionedForm, LicenceFields, EnterpriseFields):
    submit = SubmitField(_l("Save"))


class InviteForm(Form):
    email = EmailField(_l("Colleague's e-mail"), validators=[
        DataRequired(_l("Enter an e-mail address.")),
        Email(_l("Enter an e-mail address such as name@example.com.")), Length(max=254)])
    submit = SubmitField(_l("Create invitation link"))


class AcceptInvitationForm(NewPasswordMixin, Form):
    name = StringField(_l("Your name"), validators=[DataRequired(_l("Enter your name.")),
                                                    Length(max=100)])
    submit = SubmitField(_l("Join the enterprise"))


def _record_categories() -> dict:
    """The record's kind and level as one choice, grouped by kind."""
    return [SelectChoice(f"{kind.value}/{level}", label, optgroup=RECORD_KIND_LABELS[kind])
            for kind, levels in RECORD_LEVEL_LABELS.items() for level, label in levels.items()]


class QualityRecordForm(Form):
    """A desk administrator enters what the enterprise showed (records.py)."""
    category = SelectField(_l("What it is"), validators=[DataRequired()])
    title = StringField(_l("Name on the document"), validators=[
        DataRequired(_l("Name the standard, certificate, award or sampled product.")),
        Length(max=200)])
    reference = StringField(_l("Document number"), validators=[Length(max=80)], description=_l(
        "The standard's number, the certificate's number or the sampling report's number."))
    issuer = StringField(_l("Issued by"), validators=[Length(max=120)])
    outcome = SelectField(_l("Sampling result"), choices=[
        SelectChoice("", _l("Not a sampling")), SelectChoice("passed", _l("Passed")),
        SelectChoice("failed", _l("Did not pass"))], default="")
    dated = DateField(_l("Date"), validators=[InputRequired(_l("Enter the date it bears."))])
    valid_until = DateField(_l("Valid until"), validators=[Optional()],
                            description=_l("For certifications: the date printed as the end "
                                           "of validity."))
    file = FileField(_l("Evidence (PDF, JPEG or PNG, up to 10 MB)"), validators=[
        FileRequired(_l("Attach the document that shows it."))])
    submit = SubmitField(_l("Enter the record"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = _record_categories()
