from wtforms import SubmitField

from core.forms import Form
from core.i18n import lazy_gettext as _l


class MailPreferencesForm(Form):
    submit = SubmitField(_l("Save"))
