"""What the desk can say of an enterprise for each indicator, and how it knows: the
value and the evidence behind it (records in the desk, or documents an administrator
verified), each with its source and date. A figure the desk did not see is unknown,
never zero: no tests through the desk does not mean the enterprise tests nothing.

Evidence is kept as plain data (it goes into the dossier's snapshot, which never
changes) and put into words when shown (credit/labels.py)."""
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from blueprints.credit.indicators import Indicator, IndicatorSet
from blueprints.dashboards.profile import Profile, quality_profile
from blueprints.enterprises.records import QualityRecord, RecordKind
from extensions import db


@dataclass
class Measure:
    value: Decimal | None                  # None: unknown
    level: str = ""                        # for level indicators: the record's level
    evidence: list[dict] = field(default_factory=list)


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _desk(what: str, as_of: date, **figures) -> dict:
    return {"source": "desk", "what": what, "date": as_of.isoformat(), **figures}


def _record(r: QualityRecord, today: date) -> dict:
    return {"source": "record", "record_id": r.id, "kind": r.kind.value, "level": r.level,
            "outcome": r.outcome, "title": r.title, "reference": r.reference,
            "issuer": r.issuer, "date": r.dated.isoformat(),
            "valid_until": r.valid_until.isoformat() if r.valid_until else "",
            "in_force": r.in_force(today), "evidence_sha256": r.evidence_sha256}


def _since(ind: Indicator, today: date) -> date | None:
    """The first day of the indicator's window of years (29 February counts from the 28th)."""
    if not ind.years:
        return None
    return today.replace(year=today.year - ind.years, day=min(today.day, 28)
                         if today.month == 2 else today.day)


def _records(records: list[QualityRecord], ind: Indicator, kind: RecordKind,
             today: date) -> list[QualityRecord]:
    """The standing records an indicator reads: of its kind and levels, within its years."""
    since = _since(ind, today)
    levels = dict(ind.levels)
    return [r for r in records if r.kind == kind and not r.is_withdrawn
            and (not levels or r.level in levels) and (since is None or r.dated >= since)]


def _best_level(ind, records, today) -> Measure:
    """The best level among records in force; 0 when the desk holds such records but
    none is in force (a lapsed certificate is known); unknown when it holds none."""
    found = _records(records, ind, RecordKind(ind.record_kind), today)
    if not found:
        return Measure(None)
    levels = dict(ind.levels)
    standing = [r for r in found if r.in_force(today)]
    best = max(standing, key=lambda r: levels[r.level], default=None)
    return Measure(Decimal(levels[best.level]) if best else Decimal(0),
                   best.level if best else "", [_record(r, today) for r in found])


def _count(ind, records, today) -> Measure:
    found = _records(records, ind, RecordKind(ind.record_kind), today)
    if not found:
        return Measure(None)
    return Measure(Decimal(sum(r.in_force(today) for r in found)),
                   evidence=[_record(r, today) for r in found])


def _sampling(ind, records, today) -> Measure:
    found = _records(records, ind, RecordKind.sampling, today)
    passed = sum(r.outcome == "passed" for r in found)
    return Measure(_percent(passed, len(found)), evidence=[_record(r, today) for r in found])


def _tests(p: Profile, today: date, **figures) -> dict:
    return _desk("tests", today, since=p.first.isoformat(), items=p.whole.items_done,
                 passed=p.whole.passed, failed=p.whole.failed, **figures)


def _pass_rate(ind, p: Profile, today) -> Measure:
    judged = p.whole.passed + p.whole.failed
    return Measure(_percent(p.whole.passed, judged), evidence=[_tests(p, today)] if judged else [])


def _items(ind, p: Profile, today) -> Measure:
    n = p.whole.items_done
    return Measure(Decimal(n) if n else None, evidence=[_tests(p, today)] if n else [])


def _instruments(ind, p: Profile, today) -> Measure:
    return Measure(_percent(p.instruments_in_date, p.instruments),
                   evidence=[_desk("instruments", today, instruments=p.instruments,
                                   in_date=p.instruments_in_date,
                                   overdue=p.instruments_overdue)] if p.instruments else [])


def _clinic(ind, p: Profile, today) -> Measure:
    return Measure(_percent(p.cases_solved, p.cases_ended),
                   evidence=[_desk("clinic", today, cases=p.cases, ended=p.cases_ended,
                                   solved=p.cases_solved)] if p.cases_ended else [])


def _benefit(ind, p: Profile, today) -> Measure:
    cents = p.benefit_verified_cents
    return Measure(Decimal(cents) / 100 if cents else None,
                   evidence=[_desk("benefit", today, verified_cents=cents,
                                   reported_cents=p.benefit_reported_cents)] if cents else [])


def _standards(ind, p: Profile, today) -> Measure:
    n = p.standards_followed
    return Measure(Decimal(n) if n else None,
                   evidence=[_desk("standards", today, followed=n)] if n else [])


# The desk's sources, by the name an indicator set gives them.
FROM_RECORDS = {"records.best_level": _best_level, "records.count": _count,
                "sampling.pass_share": _sampling}
FROM_PROFILE = {"tests.pass_rate": _pass_rate, "tests.items": _items,
                "instruments.in_date": _instruments, "clinic.solved_share": _clinic,
                "clinic.verified_benefit": _benefit, "standards.followed": _standards}
SOURCES = frozenset(FROM_RECORDS) | frozenset(FROM_PROFILE)


def measure(iset: IndicatorSet, enterprise_id: int, today: date) -> dict[str, Measure]:
    """Every indicator of the set, measured for the enterprise as of `today`."""
    profile = quality_profile(enterprise_id, today)
    records = list(db.session.scalars(db.select(QualityRecord).where(
        QualityRecord.enterprise_id == enterprise_id).order_by(QualityRecord.dated.desc())))
    measures = {}
    for ind in iset.indicators:
        if ind.source in FROM_RECORDS:
            measures[ind.id] = FROM_RECORDS[ind.source](ind, records, today)
        elif ind.source in FROM_PROFILE:
            measures[ind.id] = FROM_PROFILE[ind.source](ind, profile, today)
        else:  # a set naming a source this desk does not have: unknown, not zero
            measures[ind.id] = Measure(None)
    return measures
