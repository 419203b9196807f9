"""Files the applicant sends with a request: checked by their content (never by their
name), stored outside static/ under a random name, and logged."""
import hashlib
import os
import uuid

from flask import current_app

from blueprints.audit.models import record_event
from blueprints.service_requests.models import Attachment
from extensions import db

# What a file must begin with to be taken, and the type it is then stored as.
UPLOAD_TYPES = {b"%PDF-": "application/pdf", b"\xff\xd8\xff": "image/jpeg",
                b"\x89PNG\r\n\x1a\n": "image/png"}
MAX_UPLOAD = 10 * 1024 * 1024


class AttachmentRefused(Exception):
    """The file is not taken; `code` says why ("too_large", "wrong_type")."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def sniff(head: bytes) -> str | None:
    """The content type the file's first bytes show, or None for one we do not take."""
    return next((kind for magic, kind in UPLOAD_TYPES.items() if head.startswith(magic)), None)


def upload_folder() -> str:
    folder = current_app.config.get("UPLOAD_FOLDER") or os.path.join(current_app.instance_path,
                                                                     "uploads")
    os.makedirs(folder, exist_ok=True)
    return folder


def attach(req, user, filename: str, data: bytes) -> Attachment:
    """Store the file with the request and log it. `data` is read up to one byte past
    MAX_UPLOAD, so a larger file is told from one just at the limit. Raises
    AttachmentRefused; nothing is stored then."""
    if len(data) > MAX_UPLOAD:
        raise AttachmentRefused("too_large")
    kind = sniff(data[:16])
    if kind is None:
        raise AttachmentRefused("wrong_type")
    stored = uuid.uuid4().hex
    with open(os.path.join(upload_folder(), stored), "wb") as fh:
        fh.write(data)
    name = os.path.basename(filename or "file")[:200] or "file"
    att = Attachment(request=req, filename=name, content_type=kind, size=len(data),
                     sha256=hashlib.sha256(data).hexdigest(), stored_name=stored,
                     uploaded_by_id=user.id)
    db.session.add(att)
    db.session.flush()
    record_event(user, "service_requests", req.id, "attachment_added",
                 after={"attachment": att.id, "filename": name})
    return att
