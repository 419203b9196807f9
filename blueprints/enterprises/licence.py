"""The business licence (营业执照) an enterprise sends with its registration: taken by
its content and size, and kept when the form comes back for corrections, so nobody
has to choose the file twice (browsers never refill a file input)."""
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.datastructures import FileStorage

from core.uploads import StoredFile, UploadRefused, read_upload, refusal, safe_filename, store

SALT = "enterprise-licence-upload"


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def received(form) -> tuple[StoredFile, str] | None:
    """The licence this form brings, stored, with the name it was sent under: a new
    file, else the one an earlier attempt of the same form stored (its signed token).
    A refused file puts the reason on the field and gives None."""
    upload = form.licence.data
    if isinstance(upload, FileStorage) and upload.filename:
        try:
            stored = store(read_upload(upload))
        except UploadRefused as err:
            form.licence.errors = [*form.licence.errors, refusal(err)]
            return None
        name = safe_filename(upload.filename)
        form.licence_kept.data = _signer().dumps([stored.stored_name, stored.content_type,
                                                  stored.size, stored.sha256, name])
        return stored, name
    if form.licence_kept.data:
        try:
            stored_name, kind, size, sha256, name = _signer().loads(form.licence_kept.data)
        except (BadSignature, ValueError, TypeError):
            form.licence_kept.data = ""
            return None
        return StoredFile(stored_name, kind, size, sha256), name
    return None


def kept_name(form) -> str | None:
    """The name of a licence an earlier attempt of this form stored, to say it is kept."""
    try:
        return _signer().loads(form.licence_kept.data)[4] if form.licence_kept.data else None
    except (BadSignature, ValueError, TypeError, IndexError):
        return None
