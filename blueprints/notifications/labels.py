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
