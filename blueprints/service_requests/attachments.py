"""Files the applicant sends with a request: checked by their content (never by their
name), stored outside static/ under a random name (core/uploads.py), and logged."""
from blueprints.audit.models import record_event
from blueprints.service_requests.models import Attachment
from core.uploads import UploadRefused, safe_filename, store
from extensions import db

AttachmentRefused = UploadRefused  # the request's own word for a refused file


def attach(req, user, filename: str, data: bytes) -> Attachment:
    """Store the file with the request and log it. `data` is read up to one byte past
    MAX_UPLOAD (core.uploads.read_upload). Raises AttachmentRefused; nothing is stored
    then."""
    stored = store(data)
    name = safe_filename(filename)
    att = Attachment(request=req, filename=name, content_type=stored.content_type,
                     size=stored.size, sha256=stored.sha256, stored_name=stored.stored_name,
                     uploaded_by_id=user.id)
    db.session.add(att)
    db.session.flush()
    record_event(user, "service_requests", req.id, "attachment_added",
                 after={"attachment": att.id, "filename": name})
    return att
