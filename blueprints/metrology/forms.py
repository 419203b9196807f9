from decimal import Decimal

from wtforms import (
    DateField,
    FieldList,
    FormField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from blueprints.metrology.labels import INSTRUMENT_KIND_LABELS
from blueprints.metrology.models import SCALE_KINDS
from core.forms import EnumSelectField, FiniteDecimalField, Form, PositiveIntField
from core.i18n import lazy_gettext as _l
from core.typed import folded
from core.validators import mobile_number


class MassField(FiniteDecimalField):
    max_places = 4
    # 1,000 t in kg, 1 t in g: far past any scale, and within the NUMERIC(14, 4) columns
    max_abs = Decimal(10) ** 6


class ScaleForm(Form):
    """One scale. CSRF comes with the enclosing form."""
    class Meta:
        csrf = False

    kind = EnumSelectField(_l("Type"), {k: v for k, v in INSTRUMENT_KIND_LABELS.items() if k in SCALE_KINDS})
    make = StringField(_l("Make"), validators=[Length(max=100)])
    model = StringField(_l("Model"), validators=[Length(max=100)])
    serial = StringField(_l("Serial number"), filters=[folded],  # as on the plate, in ASCII
                         validators=[DataRequired(_l("Enter the serial number on the scale's "
                                                     "plate.")), Length(max=60)])
    max_kg = MassField(_l("Max (kg)"), validators=[DataRequired(_l("Enter the scale's Max."))],
                       render_kw={"inputmode": "decimal"})
    e_g = MassField(_l("Verification interval e (g)"),
                    validators=[DataRequired(_l("Enter e, as on the scale's plate."))],
                    render_kw={"inputmode": "decimal"})
    accuracy_class = RadioField(_l("Accuracy class"), default="III",
                                choices=[SelectChoice("III", "III"), SelectChoice("IIII", "IIII")])
    market = StringField(_l("Market"), validators=[Length(max=100)])
    stall = StringField(_l("Stall"), validators=[Length(max=40)])

    @property
    def max_grams(self) -> Decimal:
        return self.max_kg.data * 1000


class ScaleRequestForm(Form):
    scales = FieldList(FormField(ScaleForm), min_entries=1, max_entries=10)
    where = RadioField(_l("Where the scale is verified"), default="dropoff",
                       validators=[DataRequired(_l("Choose where."))])
    contact_name = StringField(_l("Your name"), validators=[
        DataRequired(_l("Enter your name.")), Length(max=100)])
    contact_phone = StringField(_l("Phone"), validators=[
        DataRequired(_l("Enter a phone number.")), Length(max=30)],
        render_kw={"inputmode": "tel", "autocomplete": "tel"})
    submit = SubmitField(_l("Ask for free verification"))


class CampaignForm(Form):
    lab_id = SelectField(_l("Metrology lab"), coerce=int)
    market = StringField(_l("Market"), validators=[DataRequired(_l("Name the market.")),
                                                   Length(max=100)])
    address = StringField(_l("Address"), validators=[Length(max=200)])
    day = DateField(_l("Day"), validators=[DataRequired(_l("Choose the day."))])
    teams = PositiveIntField(_l("Teams"), maximum=50)
    target = PositiveIntField(_l("Scales expected"), maximum=5000)
    notes = TextAreaField(_l("Notes for vendors"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Save"))


class OnSiteForm(Form):
    """A vendor who turns up on the day without having registered."""
    vendor_name = StringField(_l("Vendor's name"), validators=[
        DataRequired(_l("Enter the vendor's name.")), Length(max=100)])
    vendor_phone = StringField(_l("Vendor's mobile number"), validators=[
        DataRequired(_l("Enter the vendor's mobile number.")), mobile_number],
        render_kw={"inputmode": "tel"})
    scale = FormField(ScaleForm)
    submit = SubmitField(_l("Register the scale"))
