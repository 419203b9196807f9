from wtforms import (
    BooleanField,
    DateField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from blueprints.catalogue.labels import SERVICE_KIND_LABELS
from core.forms import MoneyField, PositiveIntField, VersionedForm, enum_choices
from core.i18n import lazy_gettext as _l
from core.validators import phone_number


class LabForm(VersionedForm):
    code = StringField(_l("Short code"), validators=[
        DataRequired(_l("Enter a short code, such as JMI.")), Length(max=20),
        Regexp(r"^[A-Z0-9-]+$", message=_l("Use capital letters, digits and hyphens only."))],
        filters=[lambda v: (v or "").strip().upper()])
    name_zh = StringField(_l("Name (Chinese)"), validators=[DataRequired(_l("Enter the Chinese name.")),
                                                            Length(max=200)])
    name_en = StringField(_l("Name (English)"), validators=[DataRequired(_l("Enter the English name.")),
                                                            Length(max=200)])
    cma_number = StringField(_l("CMA certificate number"), validators=[
        Optional(), Regexp(r"^\d{12}$", message=_l("A CMA certificate number has 12 digits."))],
        filters=[lambda v: (v or "").strip()])
    cnas_number = StringField(_l("CNAS accreditation number"), validators=[
        Optional(), Regexp(r"^CNAS L\d{4,5}$",
                           message=_l("Write it as on the certificate, for example CNAS L1234."))],
        filters=[lambda v: " ".join((v or "").upper().split())])
    address = StringField(_l("Address"), validators=[DataRequired(_l("Enter the address.")),
                                                     Length(max=300)])
    phone = StringField(_l("Phone"), validators=[Optional(), phone_number])
    opening_hours = StringField(_l("Opening hours"), validators=[Length(max=200)])
    description_zh = TextAreaField(_l("About the lab (Chinese)"), validators=[Length(max=2000)])
    description_en = TextAreaField(_l("About the lab (English)"), validators=[Length(max=2000)])
    daily_capacity = PositiveIntField(_l("Samples a day"))
    is_active = BooleanField(_l("Open for requests"), default=True)
    submit = SubmitField(_l("Save"))


class CapabilityForm(VersionedForm):
    service_id = SelectField(_l("Service"), coerce=int)
    price = MoneyField(_l("Price (yuan)"))
    turnaround_days = PositiveIntField(_l("Turnaround (working days)"), maximum=365)
    daily_capacity = PositiveIntField(_l("Capacity (items a day)"))
    cma_accredited = BooleanField(_l("Within the lab's CMA scope"))
    cnas_accredited = BooleanField(_l("Within the lab's CNAS scope"))
    traceability = TextAreaField(
        _l("Traceability of the reference standards (calibration)"),
        description=_l("Printed on calibration certificates: the standards used, their "
                       "certificate numbers and who calibrated them."),
        validators=[Length(max=1000)])
    is_active = BooleanField(_l("Offered now"), default=True)
    submit = SubmitField(_l("Save"))


class SignatoryForm(VersionedForm):
    """Naming an authorised signatory, or changing their scope (user_id only when naming)."""
    user_id = SelectField(_l("Staff member"), coerce=int,
                          validators=[DataRequired(_l("Choose a member of the lab."))])
    kinds = SelectMultipleField(
        _l("Signs for"), widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
        choices=enum_choices(SERVICE_KIND_LABELS),
        validators=[DataRequired(_l("Choose at least one kind of work they sign."))])
    scope = TextAreaField(_l("Fields of authorisation"), validators=[Length(max=1000)],
                          description=_l("As your accreditation lists them, for example: "
                                         "textiles: colour fastness, fibre content (GB/T 3920, FZ/T 01057)."))
    since = DateField(_l("Authorised since"),
                      validators=[DataRequired(_l("Enter the date of the authorisation."))])
    submit = SubmitField(_l("Save"))
