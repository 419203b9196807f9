"""What each kind of notification says, in the reader's language."""
from core.i18n import lazy_gettext as _l

MESSAGES = {
    "verification_due": _l("Your scale %(serial)s (%(market)s) is due for verification by "
                           "%(due)s. Verification of trade scales is free: ask for it here."),
}


def message(notification) -> str:
    template = MESSAGES.get(notification.kind)
    if template is None:
        return notification.kind
    try:
        return str(template) % notification.params
    except (KeyError, TypeError):
        return str(template)
