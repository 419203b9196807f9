"""Saving a scale's verification: the readings, the outcome, who verified, the label
number, and the part moved on to review (the metrologist's steps on the day)."""
from sqlalchemy import select

from blueprints.audit.models import record_event
from blueprints.metrology import readings
from blueprints.metrology import scale_verification as sv
from blueprints.metrology.models import ScaleVerification
from blueprints.metrology.readings import Assessment
from blueprints.metrology.scales import describe
from blueprints.service_requests.lifecycle import Action, State
from blueprints.service_requests.models import Sample
from core.i18n import gettext as _
from core.numbering import next_value
from core.timeutil import local_today, utcnow
from extensions import db

# The steps a metrologist's saved verification takes the part through, in order.
STEPS = {State.confirmed: Action.receive_sample, State.sample_received: Action.start,
         State.in_progress: Action.submit_results}


def scale_of(source) -> sv.Scale:
    """The maths' scale from an instrument, or from a verification record (the scale
    as it was verified)."""
    return sv.Scale(source.max_capacity, source.e, sv.AccuracyClass(source.accuracy_class))


def record(sub, item, user, vtype: sv.VerificationType, raw: dict[str, str],
           assessment: Assessment, on_site: bool) -> ScaleVerification:
    """Store a complete assessment for the item and move the part to review.

    Raises ValueError when the part does not take readings now or they are incomplete."""
    if not sub.takes_readings or not assessment.complete:
        raise ValueError("the part does not take readings now, or they are incomplete")
    outcome = assessment.outcome
    record_ = item.scale_verification or ScaleVerification(item_id=item.id,
                                                           instrument_id=item.instrument_id)
    # Changed readings keep the old ones in the audit log (17025 7.5.2: original records).
    before = ({"passed": record_.passed, "readings": record_.readings,
               "verified_by": record_.verified_by_id} if record_.id else None)
    instrument = item.instrument
    record_.max_capacity, record_.e = instrument.max_capacity, instrument.e
    record_.accuracy_class, record_.instrument_description = (instrument.accuracy_class,
                                                              describe(instrument))
    record_.verification_type, record_.readings = vtype, readings.kept(raw)
    record_.passed = outcome.passed
    record_.failed_tests = [t.name for t in outcome.failed()]
    record_.rules, record_.verified_by_id, record_.verified_at = sv.RULES, user.id, utcnow()
    if outcome.passed and not record_.label_number:
        year = local_today().year
        record_.label_number = f"{sub.lab.code}-L{year}-{next_value('label-' + sub.lab.code, year):06d}"
    item.scale_verification = record_
    if item.sample is None:  # the scale itself is the item; on a campaign day, at the stall
        item.sample = Sample(code=sub.sample_code(1), received_by_id=user.id,
                             # in the metrologist's words, as a receipt form records them
                             condition=_("Verified on site") if on_site else _("Intact"))
    db.session.flush()
    # Logged as the item's results, so four eyes applies as to any other results.
    record_event(user, "request_items", item.id, "results_entered", before=before,
                 after={"scale_verification": record_.id, "passed": outcome.passed,
                        "failed": record_.failed_tests, "label": record_.label_number})
    while sub.state in STEPS:
        sub.take(STEPS[sub.state], user)
    return record_


def verification_of(item_id: int) -> ScaleVerification | None:
    return db.session.scalar(select(ScaleVerification).filter_by(item_id=item_id))
