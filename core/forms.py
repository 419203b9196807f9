"""Form pieces shared by several areas."""
from decimal import Decimal

from flask import render_template
from flask_babel import LazyString
from flask_wtf import FlaskForm
from wtforms import (
    DecimalField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from core.i18n import lazy_gettext as _l
from core.numbers import plain
from core.typed import folded


def _strip_text(value):
    """Text as text: stripped, "" for missing, and a field's translated default
    (a lazy string) made a plain string before anything stores it."""
    if isinstance(value, LazyString):
        value = str(value)
    return value.strip() if isinstance(value, str) else ("" if value is None else value)


class Form(FlaskForm):
    """Every form of the desk: text fields arrive stripped, and a field missing
    from the post reads as "" rather than None."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            cls = unbound_field.field_class
            if issubclass(cls, StringField) and not issubclass(cls, PasswordField):
                options = {**options, "filters": [_strip_text,
                                                  *unbound_field.kwargs.get("filters", [])]}
            return unbound_field.bind(form=form, **options)


def render_form(template: str, form, refused: bool = False, **context):
    """Render a form page: 400 when a submitted form was refused (nothing was
    changed; `refused` for refusals found after validation), 200 otherwise."""
    status = 409 if getattr(form, "stale", False) else \
        400 if form.is_submitted() and (form.errors or refused) else 200
    return render_template(template, form=form, **context), status


def enum_choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(member.value, label) for member, label in labels.items()]


class EnumSelectField(SelectField):
    """A select over a {member: label} dict, coercing back to the enum."""

    def __init__(self, label, labels: dict, **kwargs):
        enum_cls = type(next(iter(labels)))
        super().__init__(label, choices=enum_choices(labels), coerce=enum_cls, **kwargs)


class VersionedForm(Form):
    """Edit forms carry the version they were loaded at; saving an older version
    than the stored one is refused (optimistic locking)."""
    version = HiddenField()

    def check_version(self, obj) -> bool:
        """True when `obj` is new or unchanged since the form was loaded. Otherwise
        the form says so, keeps what was typed and moves to the stored version, so
        saving again overwrites knowingly rather than silently."""
        if obj is None or str(self.version.data or "") == str(obj.version):
            return True
        self.version.data = obj.version
        self.stale = True
        self.form_errors.append(_l(
            "Someone else saved a change to this record while you were editing. Your entries "
            "are kept below: open the record in another tab to compare, then save again to "
            "replace their version with yours."))
        return False


class ReasonForm(Form):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(_l("Give a reason.")),
                                                     Length(max=2000)])
    submit = SubmitField(_l("Confirm"))


class ConfirmForm(Form):
    """A POST button with its CSRF token and nothing else."""
    submit = SubmitField(_l("Confirm"))


def yuan_to_cents(value) -> int | None:
    return None if value is None else int((value * 100).to_integral_value())


class FiniteDecimalField(DecimalField):
    """A decimal that is a real number: WTForms accepts NaN and Infinity, which
    break comparisons and NUMERIC columns. Subclasses bound the digits."""
    max_places: int | None = None
    max_abs = Decimal(10) ** 12
    places_message = _l("Use at most %(places)s decimal places.")

    def process_formdata(self, valuelist):
        super().process_formdata([folded(v) for v in valuelist])
        value = self.data
        if value is None:
            return
        # adjusted() first: abs() of 1e999999999 overflows the decimal context.
        if not value.is_finite() or value.adjusted() >= 12 or abs(value) >= self.max_abs:
            self.data = None
            raise ValueError(_l("Enter a number such as 12.5."))
        if self.max_places is not None and -value.as_tuple().exponent > self.max_places:
            self.data = None
            raise ValueError(self.places_message % {"places": self.max_places})


class MoneyField(FiniteDecimalField):
    """Yuan with at most two decimals (stored as integer cents)."""
    max_places = 2

    def __init__(self, label, **kwargs):
        kwargs["validators"] = [
            InputRequired(_l("Enter a price in yuan; 0 for a free service.")),
            NumberRange(min=0, max=1_000_000, message=_l("Enter a price from 0 to 1,000,000 yuan."))]
        super().__init__(label, places=2, **kwargs)


class MeasureField(FiniteDecimalField):
    """A limit or measured value, kept to the digit as typed (up to the 6 decimals
    its NUMERIC(18, 6) column holds) and shown as people write it (0.025, 75)."""
    max_places = 6

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return plain(self.data)


class PositiveIntField(IntegerField):
    def process_formdata(self, valuelist):
        super().process_formdata([folded(v) for v in valuelist])

    def __init__(self, label, maximum: int = 10000, **kwargs):
        kwargs.setdefault("validators", [])
        kwargs["validators"] = [DataRequired(_l("Enter a whole number.")),
                                NumberRange(min=1, max=maximum,
                                            message=_l("Enter a whole number from %(min)s to %(max)s."))
                                ] + kwargs["validators"]
        super().__init__(label, **kwargs)
