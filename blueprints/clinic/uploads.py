"""Files sent with a case (photos, test reports) or as an action's evidence: checked
by their content and size and stored as a request's are (core/uploads.py), logged."""
from blueprints.clinic.models import CaseAttachment, ClinicCase, log_case
from core.uploads import safe_filename, store
from extensions import db


def attach(case: ClinicCase, user, filename: str, data: bytes,
           action_id: int | None = None) -> CaseAttachment:
    """Store the file with the case and log it. Raises core.uploads.UploadRefused;
    nothing is stored then."""
    stored = store(data)
    name = safe_filename(filename)
    att = CaseAttachment(case_id=case.id, action_id=action_id, filename=name,
                         content_type=stored.content_type, size=stored.size,
                         sha256=stored.sha256, stored_name=stored.stored_name,
                         uploaded_by_id=user.id)
    db.session.add(att)
    db.session.flush()
    log_case(user, case.id, "attachment_added",
                 after={"attachment": att.id, "filename": name, "action": action_id})
    return att
