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
    "standard-watch": _l("Standards watch"),
    "standard-imports": _l("Standards catalogue imports"),
    "clinic-alerts": _l("Quality clinic: answers due"),
    "clinic-benefits": _l("Quality clinic: benefits to ask for"),
    "dashboard-figures": _l("Dashboards: figures brought up to date"),
    "open-work": _l("Routing: each lab's open work recounted"),
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
    "imports": _l("catalogue imports run"),
    "in_force": _l("standards whose day came (in force or replaced)"),
    "relinked": _l("services relinked to the standards catalogue"),
    "labs_told": _l("labs told of a changed method standard"),
    "followers_told": _l("followers told of a changed standard"),
    "clinic_alerts": _l("experts reminded or cases reported late"),
    "benefits_asked": _l("enterprises asked for a case's benefit"),
    "events": _l("audit events read"),
    "days": _l("days recomputed"),
    "months": _l("months recomputed"),
    "open_work_mended": _l("labs' open-work figures mended"),
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


# The audit log's words (audit_trail.py). A request's and a part's steps read as on
# their timeline (service_requests/labels.EVENT_LABELS); these are the other records'.
AUDIT_RECORD_LABELS = {
    "service_requests": _l("Request"),
    "sub_requests": _l("Part of a request"),
    "request_items": _l("Item of a request"),
    "ratings": _l("Rating"),
    "enterprises": _l("Enterprise"),
    "invitations": _l("Invitation"),
    "labs": _l("Lab"),
    "signatories": _l("Signatory"),
    "services": _l("Service"),
    "capabilities": _l("Lab's service"),
    "users": _l("Account"),
    "certificates": _l("Certificate"),
    "certificate_batches": _l("Certificate batch"),
    "bookings": _l("Booking"),
    "resources": _l("Resource"),
    "calendar_days": _l("Calendar day"),
    "campaigns": _l("Verification day"),
    "outgoing_mail": _l("Mail"),
    "demo": _l("Demo data"),
    "standards": _l("Standard"),
    "standard_imports": _l("Standards catalogue import"),
    "clinic_cases": _l("Quality-clinic case"),
    "clinic_articles": _l("Case-library article"),
    "experts": _l("Expert"),
    "documents": _l("Stored document"),
}

AUDIT_ACTION_LABELS = {
    "created": _l("Created"),
    "edited": _l("Edited"),
    "registered": _l("Registered"),
    "profile_edited": _l("Company details edited"),
    ("enterprises", "verified"): _l("Enterprise verified"),
    ("enterprises", "rejected"): _l("Registration refused"),
    "invited": _l("Colleague invited"),
    ("invitations", "accepted"): _l("Invitation accepted"),
    "revoked": _l("Invitation withdrawn"),
    "signed_up": _l("Signed up"),
    "password_changed": _l("Password changed"),
    "password_reset": _l("Password reset"),
    "password_reset_requested": _l("Password-reset link asked for"),
    "signature_changed": _l("Signature image changed"),
    "mail_preferences": _l("Mail preferences changed"),
    "feed_link_renewed": _l("Calendar feed link renewed"),
    "signatory_named": _l("Named authorised signatory"),
    "signatory_changed": _l("Signatory's scope changed"),
    "signatory_revoked": _l("Signatory's authority ended"),
    ("certificates", "issued"): _l("Certificate issued"),
    "withdrawn": _l("Certificate withdrawn"),
    "batch_created": _l("Certificate batch queued"),
    "batch_done": _l("Certificate batch finished"),
    "batch_resumed": _l("Certificate batch resumed"),
    "booked": _l("Booked"),
    "booking_cancelled": _l("Booking cancelled"),
    "booking_done": _l("Samples brought in"),
    ("bookings", "booking_moved"): _l("Booking moved"),
    "resource_created": _l("Resource created"),
    "resource_changed": _l("Resource changed"),
    "calendar_day_added": _l("Calendar day added"),
    "calendar_day_removed": _l("Calendar day removed"),
    "campaign_created": _l("Verification day planned"),
    "campaign_batch": _l("Verification day's certificates issued"),
    "campaign_day_moved": _l("Moved to another verification day"),
    "mail_retried": _l("Mail sent again"),
    "results_entered": _l("Results entered"),
    "followed_up": _l("Bad review followed up"),
    "draft_deleted": _l("Draft deleted"),
    "loaded": _l("Demo data loaded"),
    "status_changed": _l("Status changed"),
    "came_into_force": _l("Came into force"),
    "catalogue_imported": _l("Standards catalogue imported"),
    "followed": _l("Followed by an enterprise"),
    "unfollowed": _l("No longer followed by an enterprise"),
    "expert_saved": _l("Expert's profile saved"),
    "article_drafted": _l("Article drafted"),
    "article_edited": _l("Article edited"),
    "article_submitted": _l("Article sent for approval"),
    "article_published": _l("Article published"),
    "article_refused": _l("Article sent back"),
    "document_altered": _l("Stored document altered; withheld"),
}

# The fields a change names.
AUDIT_FIELD_LABELS = {
    "state": _l("State"),
    "status": _l("Status"),
    "number": _l("Number"),
    "labs": _l("Labs"),
    "lab_id": _l("Lab"),
    "assignee_id": _l("Analyst"),
    "due_date": _l("Due on"),
    "name": _l("Name"),
    "name_zh": _l("Name (Chinese)"),
    "name_en": _l("Name (English)"),
    "email": _l("Email"),
    "phone": _l("Phone"),
    "role": _l("Role"),
    "active": _l("Active"),
    "price_cents": _l("Price"),
    "total_cents": _l("Total"),
    "reason": _l("Reason"),
    "booking": _l("Booking"),
    "kinds": _l("May sign"),
    "user_id": _l("Person"),
    "since": _l("Since (date)"),
    "day": _l("Day"),
    "kind": _l("Kind of record"),
    "services": _l("Services"),
    "users": _l("Accounts"),
    "slot": _l("Time slot (id)"),
    "sub_request": _l("Part (id)"),
    "scope": _l("Scope"),
    "values": _l("Results"),
    "title": _l("Title"),
    "contact_phone": _l("Contact phone"),
    "contact_name": _l("Contact person"),
    "address": _l("Address"),
    "credit_code": _l("Credit code"),
    "deviations": _l("Deviations from the method"),
    "items": _l("Items"),
    "withdrawn_on": _l("No longer in force from"),
    "replaced_by_id": _l("Replaced by (id)"),
    "enterprise_id": _l("Enterprise (id)"),
    "file": _l("File"),
    "added": _l("Added"),
    "changed": _l("Changed"),
    "unchanged": _l("Unchanged"),
    "refused": _l("Refused"),
    "due_on": _l("Due by"),
    "starts_at": _l("Starts at"),
    "mode": _l("How"),
    "visit": _l("Visit (id)"),
    "finding": _l("Finding (id)"),
    "cause": _l("Cause"),
    "action": _l("Action (id)"),
    "owner": _l("Person responsible"),
    "entry": _l("Time entry (id)"),
    "activity": _l("Activity"),
    "minutes": _l("Minutes"),
    "attachment": _l("Attachment (id)"),
    "filename": _l("File name"),
    "level": _l("Rating"),
    "result": _l("Result (id)"),
    "certificate": _l("Certificate (id)"),
    "request": _l("Request (id)"),
    "case": _l("Case (id)"),
    "defect_rate_before": _l("Defect rate before (%)"),
    "defect_rate_after": _l("Defect rate now (%)"),
    "cost_saved_cents": _l("Cost saved"),
    "employer_lab_id": _l("Works for the lab"),
    "employer_enterprise_id": _l("Works for the enterprise (id)"),
    "employer_name": _l("Employer's name"),
    "chains": _l("Industry chains"),
    "ics_fields": _l("Product fields (ICS)"),
    "skills": _l("Kinds of help"),
    "profile": _l("Profile"),
    "available": _l("Takes new cases"),
    "away_until": _l("Away until"),
    "max_open_cases": _l("Open cases at most"),
    "conflicts": _l("Conflicts of interest (enterprise ids)"),
    "key": _l("Where it is stored"),
    "expected_sha256": _l("SHA-256 recorded"),
    "found_sha256": _l("SHA-256 of the stored copy"),
    "page": _l("Asked for on"),
}
