"""How the background jobs and mail delivery read to administrators."""
import json

from core.i18n import lazy_gettext as _l

JOB_NAMES = {
    "certificate-batches": _l("Certificate batches"),
    "outgoing-mail": _l("Outgoing mail"),
    "deadline-alerts": _l("Deadline alerts"),
    "booking-reminders": _l("Drop-off reminders"),
    "campaign-reminders": _l("Campaign-day reminders"),
    "morning-digest": _l("Lab managers' morning digest"),
    "verification-reminders": _l("Verification due reminders"),
}

# The counts a job returns (jobs.py), as words.
JOB_COUNTS = {
    "batches": _l("batches issued"),
    "instruments": _l("instruments reminded"),
    "sent": _l("mails sent"),
    "failed": _l("mails failed"),
    "answer_alerts": _l("answer alerts"),
    "due_alerts": _l("due-date alerts"),
    "bookings": _l("drop-offs reminded"),
    "vendors": _l("vendors reminded"),
    "digests": _l("digests sent"),
}


def job_summary(kept: str) -> str:
    """A job's last counts in the reader's language ("mails sent 3 · mails failed 1");
    text kept by an older version is shown as it is."""
    try:
        counts = json.loads(kept) if kept else {}
    except ValueError:
        return kept
    if not isinstance(counts, dict):
        return kept
    return " · ".join(f"{JOB_COUNTS.get(k, k)} {v}" for k, v in counts.items())


# Why a mail could not be delivered, in plain words, from the SMTP library's error text
# (the text itself stays beside it for the administrator who fixes the server).
MAIL_PROBLEMS = (
    (("refused", "errno 111"), _l("The mail server refused the connection: it is not running "
                                  "or not reachable at the configured address.")),
    (("timed out", "timeout"), _l("The mail server did not answer in time.")),
    (("authentication", "535", "auth"), _l("The mail server did not accept the desk's user "
                                          "name or password.")),
    (("recipient", "550", "553", "mailbox"), _l("The mail server refused the recipient's "
                                               "address.")),
    (("name or service not known", "nodename", "getaddrinfo"),
     _l("The mail server's name could not be found.")),
)


def mail_problem(error: str) -> str:
    text = (error or "").lower()
    for needles, words in MAIL_PROBLEMS:
        if any(n in text for n in needles):
            return str(words)
    return str(_l("The mail could not be delivered."))
