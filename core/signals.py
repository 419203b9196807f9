"""The signals by which one area's step reaches another area without importing it
(as indico's `signals.rb.booking_state_changed` does). The area that acts sends; the
areas that care connect a receiver in their `subscriptions.py`, which the one
registration list (blueprints/__init__.py) imports. Receivers run in the sender's
transaction, so what they write commits or rolls back with the step."""
from blinker import Namespace

_signals = Namespace()

part_stepped = _signals.signal("part-stepped", doc="""
A part (SubRequest, the sender) took a lifecycle step. Keyword arguments: `event`
(the audit event name, e.g. "quoted") and `user` (who took it).
""")

issue_requested = _signals.signal("issue-requested", doc="""
A lab issues one part from its page (the sender, already moved to issued). Keyword
argument: `user`, the signatory. The certificates area makes, signs and stores its
certificate and writes the "issued" event; it raises a StepRefused to refuse, and the
step rolls back with it.
""")

part_rated = _signals.signal("part-rated", doc="""
The applicant rated a part (the sender). Keyword arguments: `rating` (level 1 to 5,
and `follow_up_due` when it is a bad review) and `user`.
""")

password_reset_requested = _signals.signal("password-reset-requested", doc="""
Someone asked for a password-reset link for the user (the sender). Keyword argument:
`link`, the single-use address to mail.
""")

request_page = _signals.signal("request-page", doc="""
A page showing parts of a request is being built. Keyword arguments: `parts` (the
SubRequests shown), `user` (who looks) and `audience` ("applicant" or "lab").
Receivers return a dict of template values (a part's booking, its certificates) and
run a fixed number of queries whatever the number of parts.
""")

drop_off_days = _signals.signal("drop-off-days", doc="""
Routing asks when each lab can first take samples. Keyword arguments: `lab_ids` and
`now`. Receivers return {lab_id: first day with a free drop-off place}; a lab with no
drop-off counter is left out.
""")

certificate_item = _signals.signal("certificate-item", doc="""
A certificate's item block is being built for a request item (the sender). Receivers
return a dict of extra values for the block (a scale's verification) or None.
""")


parameters_in_use = _signals.signal("parameters-in-use", doc="""
An administrator edits a service's parameters. Keyword argument: `parameter_ids`.
Receivers return {"in_use": set of those ids that recorded results were read and judged
by}; such a parameter keeps its unit, limits and scale.
""")


def collect(signal, sender=None, **kwargs) -> dict:
    """Send `signal` and merge the dicts its receivers return (None is skipped)."""
    merged: dict = {}
    for _receiver, value in signal.send(sender, **kwargs):
        if value:
            merged.update(value)
    return merged


clinic_event = _signals.signal("clinic-event", doc="""
Something happened on a quality-clinic case (the sender is the case id). Keyword
arguments: `event` (the audit event name, e.g. "dispatched") and `user` (who did it,
None for the desk's worker). Receivers tell the people concerned.
""")


document_altered = _signals.signal("document-altered", doc="""
A stored document was asked for and withheld: its bytes no longer hash to the SHA-256
recorded when it was written (the sender is its storage key). Keyword arguments:
`expected` and `found` (the two hashes), `page` (the path it was asked for on) and
`user` (who asked, None for someone not signed in). Receivers record it; the sender
commits.
""")
