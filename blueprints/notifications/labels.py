"""What each kind of notification says, in the reader's language."""
from core.i18n import lazy_gettext as _l

MESSAGES = {
    "request_returned": _l("%(number)s was returned: the lab needs more information. "
                           "%(reason)s"),
    "request_quoted": _l("%(number)s: the lab reviewed your request and sent a quote. Work "
                         "starts when you accept it."),
    "request_accepted": _l("%(number)s was accepted by the lab."),
    "sample_received": _l("%(number)s: the lab received your samples."),
    "results_approved": _l("%(number)s: the results are approved and can be read now."),
    "certificate_issued": _l("%(number)s: the report is issued and can be downloaded."),
    "scale_accepted": _l("%(number)s: the verification of your scale is accepted; it is free."),
    "scale_received": _l("%(number)s: the lab received your scale."),
    "scale_verified": _l("%(number)s: your scale is verified; the certificate follows."),
    "scale_certificate_issued": _l("%(number)s: the verification certificate of your scale is "
                                   "issued and can be downloaded."),
    "password_reset": _l("A link to choose a new password was requested for your account. "
                         "It works once, for one hour: %(link)s — if you did not ask for it, "
                         "ignore this mail."),
    "verification_due": _l("Your scale %(serial)s (%(market)s) is due for verification by "
                           "%(due)s. Verification of trade scales is free: ask for it here."),
    "booking_moved": _l("%(number)s: the lab moved your drop-off to %(when)s."),
    "booking_reminder": _l("%(number)s: your drop-off at %(place)s is tomorrow, %(when)s. "
                           "Bring the samples to the counter."),
    "visit_booked": _l("%(number)s: the lab's team will come on %(when)s."),
    "campaign_reminder": _l("%(number)s: the free verification day for your scale is "
                            "tomorrow, %(day)s, at %(market)s (%(address)s). Bring the scale "
                            "switched on and clean; the certificate is free."),
    "booking_released": _l("%(number)s: the booking on %(when)s at %(place)s is released "
                           "(the request was %(step)s); its place is free again."),
    "acceptance_due_soon": _l("%(number)s waits to be accepted or returned by %(deadline)s."),
    "acceptance_overdue": _l("%(number)s was not answered by %(deadline)s, the promised "
                             "response time."),
    "turnaround_due_soon": _l("%(number)s is due on %(deadline)s."),
    "turnaround_overdue": _l("%(number)s is overdue: it was due on %(deadline)s."),
    "bad_review": _l("%(number)s got a bad review (%(level)s of 5). Follow it up with the "
                     "applicant by %(due)s."),
    "daily_digest": _l("Your lab today: %(new)s new request(s) to accept, %(due_today)s due "
                       "today, %(overdue)s overdue."),
    "method_standard_replaced": _l("%(code)s, the method standard of %(services)s in your "
                                   "lab's scope, was replaced by %(successor)s. Check the "
                                   "method and the scope against the new edition."),
    "method_standard_withdrawn": _l("%(code)s, the method standard of %(services)s in your "
                                    "lab's scope, was withdrawn. Check the method and the "
                                    "scope."),
    "standard_replaced": _l("%(code)s, a standard you follow, was replaced by %(successor)s."),
    "standard_withdrawn": _l("%(code)s, a standard you follow, was withdrawn."),
    "standard_current": _l("%(code)s, a standard you follow, is in force."),
    "clinic_case_opened": _l("%(number)s: a new quality-clinic case to dispatch: %(title)s"),
    "clinic_dispatched": _l("%(number)s: the desk asks you to take a quality-clinic case: "
                            "%(title)s. Accept or decline it."),
    "clinic_accepted": _l("%(number)s: %(who)s, an expert, took your case and will contact "
                          "you."),
    "clinic_declined": _l("%(number)s: %(who)s declined the case; it may need another "
                          "expert."),
    "clinic_rejected": _l("%(number)s: the desk cannot take this case; read why on its "
                          "page."),
    "clinic_question": _l("%(number)s: the expert asks you a question; the case waits for "
                          "your answer."),
    "clinic_answered": _l("%(number)s: the enterprise answered your question."),
    "clinic_proposed": _l("%(number)s: the expert proposes the problem is solved. Confirm it "
                          "or say what is still wrong."),
    "clinic_contested": _l("%(number)s: the enterprise says the problem is not solved yet."),
    "clinic_resolved": _l("%(number)s: the enterprise confirmed the case resolved."),
    "clinic_withdrawn": _l("%(number)s: the enterprise withdrew the case."),
    "clinic_visit_booked": _l("%(number)s: a visit was booked; see the case for the time "
                              "and place."),
    "clinic_visit_cancelled": _l("%(number)s: a visit was cancelled."),
    "clinic_action_planned": _l("%(number)s: the expert added an action to the case."),
    "clinic_benefit_asked": _l("%(number)s: three months on, what did the clinic bring? "
                               "Tell us the defect rate before and after and what it "
                               "saved."),
    "clinic_benefit_reported": _l("%(number)s: the enterprise reported the benefit; "
                                  "confirm it if you saw it."),
    "clinic_bad_review": _l("%(number)s: the quality clinic got a bad review. Follow it "
                            "up."),
    "clinic_answer_due": _l("%(number)s: please accept or decline the case by "
                            "%(deadline)s."),
    "clinic_answer_overdue": _l("%(number)s: no expert answered by %(deadline)s; "
                                "dispatch it again."),
}


def message(notification) -> str:
    template = MESSAGES.get(notification.kind)
    if template is None:
        return notification.kind
    try:
        return str(template) % notification.params
    except (KeyError, TypeError):
        return str(template)


# Kinds that also go out by e-mail, with their subject lines. Users may turn any of
# them off except the password reset.
MAIL_KINDS = {
    "request_returned": _l("Your request needs more information"),
    "request_quoted": _l("A quote is waiting for you"),
    "request_accepted": _l("Your request is accepted"),
    "sample_received": _l("Your samples are received"),
    "results_approved": _l("Your results are approved"),
    "certificate_issued": _l("Your report is issued"),
    "verification_due": _l("A scale is due for verification"),
    "scale_accepted": _l("Your scale's verification is accepted"),
    "scale_received": _l("Your scale is received"),
    "scale_verified": _l("Your scale is verified"),
    "scale_certificate_issued": _l("Your scale's certificate is issued"),
    "booking_moved": _l("Your drop-off was moved"),
    "booking_reminder": _l("Your drop-off is tomorrow"),
    "visit_booked": _l("An on-site visit is booked"),
    "campaign_reminder": _l("Your scale's verification day is tomorrow"),
    "booking_released": _l("A booking is released"),
    "acceptance_due_soon": _l("A request waits to be accepted"),
    "acceptance_overdue": _l("A request was not answered in time"),
    "turnaround_due_soon": _l("A request is due soon"),
    "turnaround_overdue": _l("A request is overdue"),
    "daily_digest": _l("Your lab's morning digest"),
    "bad_review": _l("A bad review to follow up"),
    "method_standard_replaced": _l("A method standard in your scope was replaced"),
    "method_standard_withdrawn": _l("A method standard in your scope was withdrawn"),
    "standard_replaced": _l("A standard you follow was replaced"),
    "standard_withdrawn": _l("A standard you follow was withdrawn"),
    "standard_current": _l("A standard you follow is in force"),
    "clinic_dispatched": _l("A quality-clinic case for you"),
    "clinic_accepted": _l("An expert took your quality-clinic case"),
    "clinic_question": _l("The expert asks you a question"),
    "clinic_proposed": _l("Is your quality problem solved?"),
    "clinic_visit_booked": _l("A quality-clinic visit is booked"),
    "clinic_benefit_asked": _l("What did the quality clinic bring?"),
    "clinic_answer_due": _l("A quality-clinic case waits for your answer"),
    "password_reset": _l("Choose a new password"),
}
OPTIONAL_MAIL = [k for k in MAIL_KINDS if k != "password_reset"]


def render(kind: str, link: str, params: dict) -> tuple[str, str]:
    """Subject and plain-text body of a mail, in the current language."""
    subject = str(MAIL_KINDS[kind]) + (f" · {params['number']}" if params.get("number") else "")
    text = str(MESSAGES[kind]) % {**params, "link": link}
    if link and kind != "password_reset":  # the reset text carries its link already
        text += f"\n\n{link}"
    return subject, f"{text}\n\n-- \n{_l('QI Desk')}"
