"""What a request must be before any view reads it, checked in one place: text where
text belongs (a file only in a file field), no NUL or other control character, no
value longer than any form takes. A request that fails gets a 400 and a plain message,
and nothing has changed."""
import re
import unicodedata

from flask import request
from werkzeug.exceptions import BadRequest

from core.i18n import lazy_gettext as _l

# The desk's file fields, by name: a file under any other name is text sent as a file.
FILE_FIELDS = frozenset({"file", "image", "licence", "pdf"})
# The longest text a form takes is 4,000 characters (notes); this leaves room, and
# keeps a pasted megabyte out of every query.
MAX_TEXT = 20_000
# Tab, line feed and carriage return are text; every other C0 control, DEL and the C1
# controls are not.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class Refused(BadRequest):
    """A 400 whose message the error page shows as it is."""

    def __init__(self, message):
        super().__init__()
        self.message = message


def _text_values():
    yield request.path
    for key, value in request.args.items(multi=True):
        yield key
        yield value
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        for key, value in request.form.items(multi=True):
            yield key
            yield value


def check_request() -> None:
    """Refuse what no form of the desk takes (registered as a before_request hook)."""
    if request.endpoint == "static":
        return
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        for key in request.files:
            if key not in FILE_FIELDS:
                raise Refused(_l("A file was sent where text belongs. Type the text into "
                                 "the field instead."))
    for value in _text_values():
        if len(value) > MAX_TEXT:
            raise Refused(_l("A field is longer than the desk takes (%(n)s characters at "
                             "most).", n=f"{MAX_TEXT:,}"))
        if CONTROL.search(value):
            raise Refused(_l("The text holds invisible control characters (perhaps from a "
                             "copy and paste). Type it again, then send it."))


def clean_filename(name: str | None) -> str:
    """A file's name as shown: its last part, without control or direction-changing
    characters (which can make "invoice\u202efdp.exe" read as "invoiceexe.pdf"), at
    most 200 characters."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf"))
    return name.strip()[:200] or "file"
