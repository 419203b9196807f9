"""WTForms validators shared by several forms, with messages in plain words."""
import re

from wtforms.validators import ValidationError

from core.i18n import lazy_gettext as _l
from core.typed import folded

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
PHONE_RE = re.compile(r"^\+?[\d\- ()]{7,20}$")


def normalise_mobile(raw: str | None) -> str:
    """11 digits from what was typed: spaces and dashes out, full-width digits folded,
    a leading +86 dropped."""
    digits = re.sub(r"[\s\-]", "", folded(raw))
    return digits[3:] if digits.startswith("+86") else digits


def mobile_number(form, field):
    """A mainland China mobile number: 11 digits starting 13-19."""
    field.data = normalise_mobile(field.data)
    if not MOBILE_RE.match(field.data):
        raise ValidationError(_l("Enter an 11-digit mobile number, such as 13800000000."))


def phone_number(form, field):
    field.data = folded(field.data)
    if not PHONE_RE.match(field.data):
        raise ValidationError(_l("Enter a phone number using digits, for example 0595-85661234."))


def strong_password(form, field):
    pw = field.data or ""
    if len(pw) < 8:
        raise ValidationError(_l("Use at least 8 characters."))
    if pw.isdigit() or pw.isalpha():
        raise ValidationError(_l("Mix letters with digits or symbols."))


def mask_phone(phone: str | None) -> str:
    """138****0001: a citizen's number as others see it."""
    if not phone:
        return ""
    digits = phone.strip()
    return digits[:3] + "****" + digits[-4:] if len(digits) >= 8 else "****"
