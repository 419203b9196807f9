"""The dashboards' filters, read from the page's address (no CSRF: they change
nothing): a span of whole months, a lab, an industry chain, a kind of service."""
from datetime import date

from wtforms import SelectField, StringField
from wtforms.validators import Optional, Regexp, ValidationError

from core.forms import Form
from core.i18n import lazy_gettext as _l

MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"
# A month picker where the browser has one; typed as 2026-01 where it has not.
MONTH_INPUT = {"type": "month", "placeholder": "2026-01", "maxlength": 7}
# The longest span a page covers (three years of months).
MOST_MONTHS = 36


def month_start(text: str) -> date:
    year, month = text.split("-")
    return date(int(year), int(month), 1)


class FilterForm(Form):
    class Meta:
        csrf = False

    since = StringField(_l("From (month)"), render_kw=MONTH_INPUT, validators=[
        Optional(), Regexp(MONTH, message=_l("Enter a month as 2026-01."))])
    until = StringField(_l("To (month)"), render_kw=MONTH_INPUT, validators=[
        Optional(), Regexp(MONTH, message=_l("Enter a month as 2026-01."))])
    lab = SelectField(_l("Lab"), validators=[Optional()], validate_choice=True)
    chain = SelectField(_l("Industry chain"), validators=[Optional()])
    kind = SelectField(_l("Kind of service"), validators=[Optional()])

    def validate_until(self, field):
        if self.errors.get("since") or not (self.since.data and field.data):
            return
        first, last = month_start(self.since.data), month_start(field.data)
        if last < first:
            raise ValidationError(_l("The last month comes before the first."))
        if (last.year - first.year) * 12 + last.month - first.month >= MOST_MONTHS:
            raise ValidationError(_l("Choose at most %(n)s months.", n=MOST_MONTHS))
