"""How certificate and batch states read to people."""
from blueprints.certificates.models import BatchState, CertificateStatus
from blueprints.service_requests.verdicts import Conclusion
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

# What the holder reads first on the public verification page.
STATUS_SENTENCES = {
    CertificateStatus.valid: _l("Genuine and valid"),
    CertificateStatus.superseded: _l("Genuine, but replaced by a newer certificate"),
    CertificateStatus.withdrawn: _l("Withdrawn: no longer valid"),
}
CONCLUSION_LABELS = {
    Conclusion.conforms: _l("Pass"),
    Conclusion.does_not_conform: _l("Fail"),
    Conclusion.undetermined: _l("Some results could not be judged against their limits"),
    Conclusion.not_judged: _l("Results reported without a pass or fail"),
}
