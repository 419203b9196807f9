"""The quality clinic's words for people, in the reader's language."""
from blueprints.clinic.kinds import (
    ActionOwner,
    Activity,
    ArticleState,
    AssignmentState,
    Cause,
    MessageKind,
    Skill,
    VisitMode,
)
from blueprints.clinic.lifecycle import CaseAction, CaseState
from blueprints.clinic.matching import Exclusion
from core.i18n import lazy_gettext as _l

CASE_STATE_LABELS = {
    CaseState.submitted: _l("Waiting for an expert"),
    CaseState.dispatched: _l("Sent to an expert"),
    CaseState.info_requested: _l("Waiting for your information"),
    CaseState.in_progress: _l("Expert at work"),
    CaseState.on_hold: _l("Waiting for the enterprise"),
    CaseState.proposed: _l("Resolution to confirm"),
    CaseState.resolved: _l("Resolved"),
    CaseState.withdrawn: _l("Withdrawn by the enterprise"),
    CaseState.rejected: _l("Not taken by the desk"),
}

CASE_ACTION_LABELS = {
    CaseAction.dispatch: _l("Dispatch"),
    CaseAction.reject: _l("Refuse the case"),
    CaseAction.withdraw: _l("Withdraw the case"),
    CaseAction.accept: _l("Accept the case"),
    CaseAction.decline: _l("Decline the case"),
    CaseAction.ask: _l("Ask the enterprise"),
    CaseAction.answer: _l("Send the answer"),
    CaseAction.propose: _l("Propose it resolved"),
    CaseAction.confirm: _l("Confirm it is resolved"),
    CaseAction.contest: _l("Not resolved yet"),
}

# What the text box of a step asks for.
CASE_ACTION_TEXT = {
    CaseAction.reject: _l("Why the desk cannot take it (the enterprise reads this)"),
    CaseAction.withdraw: _l("Why you withdraw it"),
    CaseAction.decline: _l("Why you decline (the desk reads this)"),
    CaseAction.ask: _l("Your question to the enterprise"),
    CaseAction.answer: _l("Your answer"),
    CaseAction.propose: _l("The resolution: the cause found, what was changed, the result"),
    CaseAction.contest: _l("What is still wrong"),
}

CASE_STEP_DONE = {
    CaseAction.reject: _l("The case is refused; the enterprise is told why."),
    CaseAction.withdraw: _l("The case is withdrawn."),
    CaseAction.accept: _l("You accepted the case. Book a visit when you are ready."),
    CaseAction.decline: _l("You declined the case; the desk will find another expert."),
    CaseAction.ask: _l("The question is sent; the clock stops until the enterprise answers."),
    CaseAction.answer: _l("Your answer is sent to the expert."),
    CaseAction.propose: _l("The resolution is sent to the enterprise to confirm."),
    CaseAction.confirm: _l("Thank you: the case is resolved. Please rate the service."),
    CaseAction.contest: _l("The expert is told the problem is not solved yet."),
}

CASE_EVENT_LABELS = {
    "opened": _l("opened the case"),
    "dispatched": _l("dispatched the case"),
    "rejected": _l("refused the case"),
    "withdrawn": _l("withdrew the case"),
    "accepted": _l("accepted the case"),
    "declined": _l("declined the case"),
    "info_requested": _l("asked the enterprise"),
    "answered": _l("answered"),
    "resolution_proposed": _l("proposed the case resolved"),
    "resolved": _l("confirmed the case resolved"),
    "resolution_contested": _l("said the problem is not solved yet"),
    "attachment_added": _l("attached a file"),
    "visit_booked": _l("booked a visit"),
    "visit_cancelled": _l("cancelled a visit"),
    "finding_recorded": _l("recorded a finding"),
    "action_planned": _l("planned an action"),
    "action_done": _l("completed an action"),
    "time_logged": _l("logged time"),
    "rated": _l("rated the service"),
    "review_followed_up": _l("followed up the review"),
    "publication_consented": _l("agreed to publish the case anonymised"),
    "benefit_asked": _l("asked for the benefit"),
    "benefit_reported": _l("reported the benefit"),
    "benefit_verified": _l("verified the benefit"),
}

ASSIGNMENT_STATE_LABELS = {
    AssignmentState.pending: _l("Asked, no answer yet"),
    AssignmentState.accepted: _l("Accepted"),
    AssignmentState.declined: _l("Declined"),
    AssignmentState.released: _l("Released"),
}

SKILL_LABELS = {
    Skill.root_cause: _l("Root-cause analysis (man, machine, material, method, "
                         "environment, measurement)"),
    Skill.process: _l("Process and production control"),
    Skill.materials: _l("Materials and components"),
    Skill.testing: _l("Test methods and reports"),
    Skill.metrology: _l("Measurement and calibration"),
    Skill.standards: _l("Standards"),
    Skill.certification: _l("Product and system certification"),
    Skill.management: _l("Quality management systems"),
    Skill.brand: _l("Brand, labelling and IP"),
}

CAUSE_LABELS = {
    Cause.man: _l("Man (people, skills)"),
    Cause.machine: _l("Machine (equipment)"),
    Cause.material: _l("Material"),
    Cause.method: _l("Method (process, instructions)"),
    Cause.environment: _l("Environment"),
    Cause.measurement: _l("Measurement (inspection, instruments)"),
}

VISIT_MODE_LABELS = {
    VisitMode.onsite: _l("On site"),
    VisitMode.remote: _l("Remote (video call)"),
}

ACTION_OWNER_LABELS = {
    ActionOwner.enterprise: _l("By the enterprise"),
    ActionOwner.expert: _l("By the expert"),
}

ACTIVITY_LABELS = {
    Activity.visit: _l("Visit"),
    Activity.remote: _l("Remote advice"),
    Activity.analysis: _l("Analysis"),
    Activity.report: _l("Writing up"),
    Activity.travel: _l("Travel"),
}

MESSAGE_KIND_LABELS = {
    MessageKind.question: _l("Question"),
    MessageKind.answer: _l("Answer"),
    MessageKind.note: _l("Note"),
}

ARTICLE_STATE_LABELS = {
    ArticleState.draft: _l("Draft"),
    ArticleState.submitted: _l("Waiting for approval"),
    ArticleState.published: _l("Published in the library"),
    ArticleState.refused: _l("Sent back for changes"),
}

EXCLUSION_LABELS = {
    Exclusion.own_employer: _l("works for this enterprise"),
    Exclusion.conflict: _l("declared a conflict of interest with this enterprise"),
    Exclusion.unavailable: _l("not available"),
    Exclusion.full: _l("has as many open cases as they take"),
    Exclusion.no_match: _l("no field of the case"),
}

MATCH_LABELS = {
    "chain": _l("industry chain"),
    "ics": _l("product field (ICS)"),
}
