"""How states, actions and timeline events read to people."""
from blueprints.service_requests.lifecycle import Action, State
from blueprints.service_requests.satisfaction import Level
from blueprints.service_requests.verdicts import Verdict
from blueprints.service_requests.written_results import ResultForm as F
from core.i18n import lazy_gettext as _l
from core.numbers import plain

STATE_LABELS = {
    State.draft: _l("Draft"),
    State.submitted: _l("Submitted, awaiting the lab's review"),
    State.returned: _l("Returned: more information needed"),
    State.rejected: _l("Declined by the lab"),
    State.cancelled: _l("Cancelled"),
    State.quoted: _l("Quote ready: awaiting your acceptance"),
    State.confirmed: _l("Accepted: awaiting the sample"),
    State.sample_received: _l("Sample received"),
    State.in_progress: _l("Testing in progress"),
    State.in_review: _l("Results under review"),
    State.approved: _l("Results approved"),
    State.issued: _l("Report issued"),
    State.closed: _l("Closed"),
}

# The same steps as a vendor reads them about their scale.
SCALE_STATE_LABELS = {**STATE_LABELS,
                      State.submitted: _l("Registered, awaiting the metrology lab"),
                      State.confirmed: _l("Accepted: waiting for the scale"),
                      State.sample_received: _l("Scale received"),
                      State.in_progress: _l("Being verified"),
                      State.in_review: _l("Verification being checked"),
                      State.approved: _l("Verified: certificate to follow"),
                      State.issued: _l("Certificate issued")}

# Shorter words for the lab's own queue.
LAB_STATE_LABELS = {**STATE_LABELS,
                    State.submitted: _l("New: to review"),
                    State.quoted: _l("Quoted: waiting for the applicant"),
                    State.confirmed: _l("Waiting for the sample")}

ACTION_LABELS = {
    Action.submit: _l("Submit"),
    Action.resubmit: _l("Resubmit"),
    Action.cancel: _l("Cancel the request"),
    Action.quote: _l("Accept and send a quote"),
    Action.accept_free: _l("Accept (free service, no quote)"),
    Action.return_for_info: _l("Return for more information"),
    Action.reject: _l("Decline"),
    Action.confirm: _l("Accept the quote"),
    Action.receive_sample: _l("Receive samples"),
    Action.start: _l("Start work"),
    Action.submit_results: _l("Send results for review"),
    Action.send_back: _l("Send back to the analyst"),
    Action.approve: _l("Approve the results"),
    Action.issue: _l("Issue the report"),
    Action.close: _l("Close"),
    Action.amend: _l("Reopen to amend the report"),
}

# A vendor's own steps, in the words of their scale.
SCALE_ACTION_LABELS = {**ACTION_LABELS, Action.cancel: _l("Cancel this scale's verification")}

EVENT_LABELS = {
    "draft_saved": _l("Draft saved"),
    "submitted": _l("Submitted to the desk"),
    "routed": _l("Routed to the lab"),
    "quoted": _l("The lab reviewed the request and sent a quote"),
    "quote_detail": _l("Quote details recorded"),
    "accepted": _l("The lab accepted the request"),
    "returned": _l("Returned for more information"),
    "rejected": _l("Declined by the lab"),
    "resubmitted": _l("Resubmitted"),
    "cancelled": _l("Cancelled"),
    "quote_accepted": _l("Quote accepted"),
    "sample_received": _l("Sample received by the lab"),
    "work_started": _l("Testing started"),
    "results_submitted": _l("Results sent for review"),
    "sent_back": _l("Results sent back to the analyst"),
    "approved": _l("Results approved"),
    "issued": _l("Report issued"),
    "closed": _l("Closed"),
    "assigned": _l("Analyst assigned"),
    "note_edited": _l("Internal note edited"),
    "conditions_edited": _l("Conditions of the work recorded"),
    "reopened_for_amendment": _l("Reopened to amend the issued report"),
    "attachment_added": _l("File attached"),
    "rated": _l("Service rated"),
    "drop_off_booked": _l("Drop-off slot booked"),
    "visit_booked": _l("On-site visit booked"),
    "booking_moved": _l("Booking moved by the lab"),
}

LEVEL_LABELS = {
    Level.very_satisfied: _l("Very satisfied"),
    Level.satisfied: _l("Satisfied"),
    Level.basically_satisfied: _l("Basically satisfied"),
    Level.dissatisfied: _l("Dissatisfied"),
    Level.very_dissatisfied: _l("Very dissatisfied"),
}

VERDICT_LABELS = {
    Verdict.passed: _l("Pass"),
    Verdict.failed: _l("Fail"),
    Verdict.not_applicable: _l("n/a"),
    Verdict.inconclusive: _l("Cannot be judged"),
}


def understood(written, judgement, unit: str = "", detection_limit=None) -> str:
    """What the desk read a typed result as, in plain words, before it is saved
    ("below 0.01 mg/kg: pass"; "not detected, below 20 mg/kg: pass")."""
    u = f" {unit}" if unit else ""
    n = plain
    if written.form == F.number:
        read = _l("the number %(value)s%(unit)s", value=written.written, unit=u)
    elif written.form == F.below:
        read = _l("below %(value)s%(unit)s", value=n(written.low), unit=u)
    elif written.form == F.above:
        read = _l("above %(value)s%(unit)s", value=n(written.low), unit=u)
    elif written.form == F.not_detected:
        read = (_l("not detected: below the detection limit, %(value)s%(unit)s",
                   value=n(detection_limit), unit=u) if detection_limit is not None
                else _l("not detected (this parameter has no detection limit on file)"))
    elif written.form == F.interval:
        read = _l("between %(low)s and %(high)s%(unit)s", low=n(written.low),
                  high=n(written.high), unit=u)
    elif written.form == F.grade:
        read = (_l("class %(grade)s", grade=written.written) if not written.written[:1].isdigit()
                else _l("grade %(grade)s", grade=written.written) if written.low == written.high
                else _l("between grades %(low)s and %(high)s", low=n(written.low),
                        high=n(written.high)))
    else:
        read = _l("words, judged by the analyst")
    if judgement.verdict is None:
        verdict = _l("cannot be judged against the limit") \
            if judgement.why != "needs_judgement" else _l("choose the verdict")
    elif judgement.verdict == Verdict.not_applicable:
        return str(read)
    else:
        verdict = VERDICT_LABELS[judgement.verdict]
    return str(_l("%(read)s; verdict: %(verdict)s", read=read, verdict=verdict))

# What the lab is told after taking a step from the part page.
STEP_DONE = {
    Action.accept_free: _l("Accepted. The applicant is told to bring the item."),
    Action.return_for_info: _l("Returned to the applicant with your question."),
    Action.reject: _l("Declined; the applicant reads your reason."),
    Action.start: _l("Work started: results can be entered."),
    Action.submit_results: _l("Results submitted for review."),
    Action.send_back: _l("Sent back for the results to be corrected."),
    Action.approve: _l("Results approved (审核). A signatory issues the report, here or in a batch."),
    Action.issue: _l("The report is issued and signed; the applicant can download it."),
    Action.close: _l("Closed."),
    Action.amend: _l("Reopened for amendment: correct the results, then review and issue again."),
}

# What the applicant is told after their own steps.
APPLICANT_STEP_DONE = {
    Action.confirm: _l("Quote accepted. The lab now waits for your samples: bring them in, "
                       "booking a drop-off time on this page where the lab offers one."),
    Action.cancel: _l("Cancelled. Nothing more happens to this part."),
    Action.resubmit: _l("Sent back to the lab with your answer; it reviews the request again."),
    Action.close: _l("Closed. You can now rate the lab's work below."),
}
