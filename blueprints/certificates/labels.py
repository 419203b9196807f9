"""How certificate and batch states read to people."""
from blueprints.certificates.models import BatchState, CertificateStatus
from core.i18n import lazy_gettext as _l

CERTIFICATE_STATUS_LABELS = {
    CertificateStatus.valid: _l("Valid"),
    CertificateStatus.superseded: _l("Superseded"),
    CertificateStatus.withdrawn: _l("Withdrawn"),
}

BATCH_STATE_LABELS = {
    BatchState.queued: _l("Waiting to start"),
    BatchState.running: _l("Issuing"),
    BatchState.done: _l("Done"),
    BatchState.failed: _l("Stopped: can be resumed"),
}
