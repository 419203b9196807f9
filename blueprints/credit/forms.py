from flask_wtf.file import FileField
from wtforms import BooleanField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from core.forms import Form
from core.i18n import lazy_gettext as _l


class DossierForm(Form):
    bank = StringField(_l("Bank"), validators=[
        DataRequired(_l("Name the bank the dossier is for.")), Length(max=120)],
        description=_l("The bank and branch, as you will hand it to them, e.g. "
                       "晋江农商银行 青阳支行."))
    purpose = StringField(_l("Purpose"), validators=[
        DataRequired(_l("Say what the dossier is for.")), Length(max=300)],
        description=_l("For example: a quality-credit loan of 2 million yuan for new "
                       "equipment."))
    consent = BooleanField(_l("I agree that the bank named above, and anyone it shows the "
                              "code to, may read these figures for 90 days, unless I "
                              "revoke the dossier sooner."),
                           validators=[DataRequired(_l("The dossier is made only with your "
                                                       "agreement."))])
    submit = SubmitField(_l("Make the dossier"))


class CopyCheckForm(Form):
    pdf = FileField(_l("Check a PDF copy against the original"))
    submit = SubmitField(_l("Compare"))
