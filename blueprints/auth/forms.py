from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from core.forms import Form
from core.i18n import lazy_gettext as _l
from core.validators import mobile_number, strong_password


class LoginForm(Form):
    login = StringField(_l("E-mail or mobile number"),
                        validators=[DataRequired(_l("Enter your e-mail or mobile number.")),
                                    Length(max=254)],
                        render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Password"),
                             validators=[DataRequired(_l("Enter your password."))],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Keep me signed in on this device"))
    submit = SubmitField(_l("Sign in"))


class NewPasswordMixin:
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Choose a password.")),
                                                         strong_password],
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Repeat the password"),
                            validators=[DataRequired(_l("Repeat the password.")),
                                        EqualTo("password", _l("The two passwords differ."))],
                            render_kw={"autocomplete": "new-password"})


class CitizenSignupForm(NewPasswordMixin, Form):
    name = StringField(_l("Your name"), validators=[DataRequired(_l("Enter your name.")),
                                                    Length(max=100)])
    phone = StringField(_l("Mobile number"), validators=[DataRequired(_l("Enter your mobile number.")),
                                                         mobile_number],
                        render_kw={"autocomplete": "tel", "inputmode": "tel"})
    submit = SubmitField(_l("Create my account"))


class ChangePasswordForm(Form):
    current = PasswordField(_l("Current password"),
                            validators=[DataRequired(_l("Enter your current password."))],
                            render_kw={"autocomplete": "current-password"})
    password = PasswordField(_l("New password"),
                             validators=[DataRequired(_l("Choose a new password.")), strong_password],
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(_l("Repeat the new password.")),
                                        EqualTo("password", _l("The two passwords differ."))],
                            render_kw={"autocomplete": "new-password"})
    submit = SubmitField(_l("Change password"))


class SignatureForm(Form):
    image = FileField(_l("Signature image (PNG or JPEG, up to 2 MB)"),
                      validators=[FileRequired(_l("Choose an image of your signature."))],
                      render_kw={"accept": "image/png,image/jpeg"})
    submit = SubmitField(_l("Save signature"))


class ForgotPasswordForm(Form):
    email = StringField(_l("E-mail"), validators=[DataRequired(_l("Enter your e-mail.")),
                                                  Length(max=254)],
                        render_kw={"autocomplete": "email", "inputmode": "email"})
    submit = SubmitField(_l("Send me a link"))


class ResetPasswordForm(NewPasswordMixin, Form):
    submit = SubmitField(_l("Set the new password"))


class LogoutForm(Form):
    submit = SubmitField(_l("Sign out"))
