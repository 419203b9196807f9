"""What the audit log keeps of steps taken outside any area (core/signals.py)."""
from blueprints.audit.models import record_event
from core.signals import document_altered


@document_altered.connect
def _document_withheld(key: str, expected: str, found: str, page: str, user,
                       **_kwargs) -> None:
    """A document withheld because its bytes changed since they were written: kept for
    the desk's administrators, who find it in the log by its action."""
    record_event(user, "documents", None, "document_altered",
                 after={"key": key, "expected_sha256": expected, "found_sha256": found,
                        "page": page})
