"""Files people upload (a request's attachments, an enterprise's business licence):
taken by their content, never by their name, stored (core/storage.py, under "uploads/")
by a random name, with their size and SHA-256."""
import hashlib
import uuid
from dataclasses import dataclass

from core import storage
from core.i18n import gettext as _
from core.request_guards import clean_filename

# What a file must begin with to be taken, and the type it is then stored as.
UPLOAD_TYPES = {b"%PDF-": "application/pdf", b"\xff\xd8\xff": "image/jpeg",
                b"\x89PNG\r\n\x1a\n": "image/png"}
MAX_UPLOAD = 10 * 1024 * 1024


class UploadRefused(Exception):
    """The file is not taken; `code` says why ("too_large", "wrong_type", "empty")."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    content_type: str
    size: int
    sha256: str

    @property
    def key(self) -> str:
        return upload_key(self.stored_name)


def sniff(head: bytes) -> str | None:
    """The content type the file's first bytes show, or None for one we do not take."""
    return next((kind for magic, kind in UPLOAD_TYPES.items() if head.startswith(magic)), None)


def upload_key(stored_name: str) -> str:
    """Where an uploaded file kept under `stored_name` is stored."""
    return storage.key(storage.UPLOADS, stored_name)


def read_upload(file_storage) -> bytes:
    """The upload's bytes, up to one past MAX_UPLOAD, so a larger file is told from one
    just at the limit."""
    return file_storage.read(MAX_UPLOAD + 1)


def store(data: bytes, allowed: frozenset[str] | None = None) -> StoredFile:
    """Check the file by its content and size and write it. Raises UploadRefused;
    nothing is written then."""
    if not data:
        raise UploadRefused("empty")
    if len(data) > MAX_UPLOAD:
        raise UploadRefused("too_large")
    kind = sniff(data[:16])
    if kind is None or (allowed is not None and kind not in allowed):
        raise UploadRefused("wrong_type")
    stored = uuid.uuid4().hex
    storage.put(upload_key(stored), data, kind)
    return StoredFile(stored, kind, len(data), hashlib.sha256(data).hexdigest())


def refusal(err: UploadRefused) -> str:
    """Why a file was refused, in the reader's words."""
    return {"too_large": _("The file is larger than 10 MB."),
            "empty": _("The file is empty."),
            }.get(err.code) or _("Only PDF, JPEG and PNG files can be attached (the file's "
                                 "content was checked, not its name).")


# The name a person's file is shown by.
safe_filename = clean_filename
