"""Reads the clinic's pages share: whose cases a person sees, a case with everything
its page shows (a fixed number of queries whatever it holds), the pool as matching
sees it, and the failed results and certificates a case may start from."""
import json
import re
from dataclasses import dataclass

from sqlalchemy import Text, cast, false, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from blueprints.audit.models import AuditEvent
from blueprints.auth.models import User
from blueprints.certificates.models import Certificate, CertificateKind
from blueprints.clinic.kinds import ArticleState, AssignmentState
from blueprints.clinic.library import CaseArticle
from blueprints.clinic.lifecycle import CLOCK_PAUSED, WORKING, CaseState
from blueprints.clinic.matching import Candidate, Exclusion, Needs, Proposals, is_available, propose
from blueprints.clinic.models import (
    LIVE,
    CaseAssignment,
    CaseAttachment,
    CaseMessage,
    CaseRating,
    ClinicCase,
    Expert,
    ExpertConflict,
    employer_named,
)
from blueprints.clinic.outcome import CaseBenefit
from blueprints.clinic.work import CaseFinding, CaseVisit, CorrectiveAction, TimeEntry
from blueprints.enterprises.models import Enterprise
from blueprints.labs.models import Lab
from blueprints.service_requests.lifecycle import RESULTS_VISIBLE
from blueprints.service_requests.models import RequestItem, Result, ServiceRequest, SubRequest
from blueprints.service_requests.verdicts import Verdict
from blueprints.standards.search import holding
from blueprints.standards.tokens import query_terms
from core.like import ESCAPE, contains
from core.roles import Role
from extensions import db

DIGITS = re.compile(r"\d")


def cases_seen_by(user, expert: Expert | None):
    """The cases a person sees: the enterprise's own, an expert's dispatched ones (not
    those they declined), every case for the desk. None for anyone else."""
    stmt = select(ClinicCase)
    if user.role == Role.admin:
        return stmt
    if user.role == Role.sme and user.enterprise_id is not None:
        return stmt.where(ClinicCase.enterprise_id == user.enterprise_id)
    if expert is not None:
        return stmt.where(ClinicCase.id.in_(
            select(CaseAssignment.case_id).where(CaseAssignment.expert_id == expert.id,
                                                 CaseAssignment.state.in_(LIVE))))
    return None


def case_search(q: str):
    """The cases whose number, title, product or process hold every term of `q`
    (the full-text index); digits also match inside a number ("123" finds
    WZ-2026-000123)."""
    condition = holding(ClinicCase, query_terms(q))
    if DIGITS.search(q):
        by_number = ClinicCase.number.ilike(contains(q.strip()), escape=ESCAPE)
        condition = by_number if condition is None else or_(condition, by_number)
    return condition if condition is not None else false()


def with_experts(stmt):
    """What a list of cases shows of each: its enterprise and its experts' names."""
    # selectin, not a join: a deep page's OFFSET then skips rows without joining them.
    return stmt.options(selectinload(ClinicCase.enterprise),
                        selectinload(ClinicCase.assignments).joinedload(CaseAssignment.expert)
                        .joinedload(Expert.user))


@dataclass
class CasePage:
    """Everything a case page shows, read once."""
    messages: list
    files: list
    visits: list
    findings: list
    actions: list
    time: list
    rating: CaseRating | None
    benefit: CaseBenefit | None
    article: CaseArticle | None
    events: list


def case_page(case: ClinicCase) -> CasePage:
    """The case's parts, one query each."""
    def rows(model, *options, order=None):
        return db.session.scalars(select(model).where(model.case_id == case.id)
                                  .options(*options).order_by(order or model.id)).all()
    return CasePage(
        messages=rows(CaseMessage, joinedload(CaseMessage.author)),
        files=rows(CaseAttachment, joinedload(CaseAttachment.uploaded_by)),
        visits=rows(CaseVisit, order=CaseVisit.starts_at),
        findings=rows(CaseFinding, joinedload(CaseFinding.recorded_by)),
        actions=rows(CorrectiveAction),
        time=rows(TimeEntry, joinedload(TimeEntry.expert).joinedload(Expert.user)),
        rating=db.session.scalar(select(CaseRating).where(CaseRating.case_id == case.id)),
        benefit=db.session.scalar(select(CaseBenefit).where(CaseBenefit.case_id == case.id)
                                  .options(joinedload(CaseBenefit.verifying_request))),
        article=db.session.scalar(select(CaseArticle).where(CaseArticle.case_id == case.id)),
        events=db.session.scalars(
            select(AuditEvent).options(joinedload(AuditEvent.actor))
            .where(AuditEvent.entity == "clinic_cases", AuditEvent.entity_id == case.id)
            .order_by(AuditEvent.id)).all(),
    )


def load_case(case_id: int) -> ClinicCase | None:
    """A case with its enterprise, source and experts, or None (the caller checks
    access)."""
    return db.session.scalars(
        select(ClinicCase).where(ClinicCase.id == case_id)
        .options(joinedload(ClinicCase.enterprise), joinedload(ClinicCase.opened_by),
                 joinedload(ClinicCase.result).joinedload(Result.parameter),
                 joinedload(ClinicCase.certificate),
                 selectinload(ClinicCase.assignments).joinedload(CaseAssignment.expert)
                 .options(joinedload(Expert.user), joinedload(Expert.employer_lab),
                          joinedload(Expert.employer_enterprise)))
        .execution_options(populate_existing=True)).one_or_none()


def pool() -> list[Expert]:
    """The whole pool with what the experts' page shows of each."""
    return db.session.scalars(select(Expert).options(
        joinedload(Expert.user), joinedload(Expert.employer_lab),
        joinedload(Expert.employer_enterprise), selectinload(Expert.conflicts))
        .order_by(Expert.id)).all()


@dataclass(frozen=True)
class PoolMember:
    """An expert as the dispatch panel names them."""
    id: int
    name: str
    employer: str


# The dispatch panel lists the best so many proposals; "all" shows the rest.
PROPOSALS_SHOWN = 12
# Exclusions named one by one: an administrator checks these; the rest are counted.
NAMED_EXCLUSIONS = (Exclusion.own_employer, Exclusion.conflict)


@dataclass
class Dispatch:
    """What the dispatch panel shows: the proposals (best first) and why the others
    are left out, with the names of those it shows."""
    proposals: Proposals
    members: dict[int, PoolMember]
    everyone: bool = False

    @property
    def shown(self) -> list:
        proposed = self.proposals.proposed
        return proposed if self.everyone else proposed[:PROPOSALS_SHOWN]

    @property
    def hidden(self) -> int:
        return len(self.proposals.proposed) - len(self.shown)

    def left_out(self) -> list[tuple[Exclusion, int, list[str]]]:
        """(reason, how many, their names when the reason is a conflict of interest),
        in the order of Exclusion."""
        by_reason = {}
        for expert_id, reason in self.proposals.excluded.items():
            by_reason.setdefault(reason, []).append(self.members[expert_id].name)
        return [(reason, len(names), names if reason in NAMED_EXCLUSIONS else [])
                for reason in Exclusion if (names := by_reason.get(reason))]


def _listed(text: str | None) -> frozenset[str]:
    return frozenset(json.loads(text)) if text else frozenset()


def dispatch_pool(case: ClinicCase, today, everyone: bool = False) -> Dispatch:
    """The experts the desk proposes for the case (clinic/matching.py), from one plain
    read of the active pool: each one's kept load, whether they declared a conflict
    with this enterprise, and their fields as text (parsed here: the drivers' JSON
    decoding cost more than the rest of the read). Those on the case are left out."""
    on_case = {a.expert_id for a in case.assignments if a.state in LIVE}
    declared = select(ExpertConflict.id).where(
        ExpertConflict.expert_id == Expert.id,
        ExpertConflict.enterprise_id == case.enterprise_id).exists()
    rows = db.session.execute(
        select(Expert.id, User.name.label("expert_name"), cast(Expert.chains, Text),
               cast(Expert.ics_fields, Text), cast(Expert.skills, Text),
               Expert.employer_enterprise_id, Expert.available, Expert.away_until,
               Expert.open_cases, Expert.max_open_cases, Lab.name_zh.label("lab_name"),
               Enterprise.name.label("enterprise_name"), Expert.employer_name,
               declared.label("conflicted"))
        .join(User, User.id == Expert.user_id)
        .outerjoin(Lab, Lab.id == Expert.employer_lab_id)
        .outerjoin(Enterprise, Enterprise.id == Expert.employer_enterprise_id)
        .where(User.active.is_(True)).order_by(Expert.id)).all()
    needs = Needs(case.enterprise_id, case.chain.value, case.ics_field,
                  frozenset(case.skills or ()))
    mine = frozenset({case.enterprise_id})
    candidates = [Candidate(
        id=r.id, chains=_listed(r[2]), ics_fields=_listed(r[3]), skills=_listed(r[4]),
        employer_enterprise_id=r.employer_enterprise_id,
        conflicts=mine if r.conflicted else frozenset(),
        available=is_available(r.available, r.away_until, today),
        open_cases=r.open_cases, capacity=r.max_open_cases)
        for r in rows if r.id not in on_case]
    members = {r.id: PoolMember(r.id, r.expert_name, employer_named(
        r.lab_name, r.enterprise_name, r.employer_name)) for r in rows}
    return Dispatch(propose(needs, candidates), members, everyone)


def experts_to_dispatch(ids) -> list[Expert]:
    """The experts an administrator chose, with what dispatching checks and says."""
    return db.session.scalars(select(Expert).where(Expert.id.in_(ids)).options(
        joinedload(Expert.user), selectinload(Expert.conflicts)).order_by(Expert.id)).all()


def failed_result(result_id: int, user) -> Result | None:
    """One of the user's enterprise's failed results it may read (approved on), or None."""
    return db.session.scalar(
        select(Result).join(RequestItem, RequestItem.id == Result.item_id)
        .join(SubRequest, SubRequest.id == RequestItem.sub_request_id)
        .join(ServiceRequest, ServiceRequest.id == RequestItem.request_id)
        .where(Result.id == result_id, Result.verdict == Verdict.failed,
               SubRequest.state.in_(RESULTS_VISIBLE),
               ServiceRequest.enterprise_id == user.enterprise_id)
        .options(joinedload(Result.parameter), joinedload(Result.item)))


def failed_certificate(certificate_id: int, user) -> Certificate | None:
    """One of the user's enterprise's notices of failure, or a report with a failed
    result, or None."""
    cert = db.session.scalar(
        select(Certificate).join(SubRequest, SubRequest.id == Certificate.sub_request_id)
        .join(ServiceRequest, ServiceRequest.id == SubRequest.request_id)
        .where(Certificate.id == certificate_id,
               ServiceRequest.enterprise_id == user.enterprise_id))
    if cert is None or cert.kind == CertificateKind.verification_failure:
        return cert
    failed = db.session.scalar(
        select(Result.id).join(RequestItem, RequestItem.id == Result.item_id)
        .where(RequestItem.sub_request_id == cert.sub_request_id,
               Result.verdict == Verdict.failed).limit(1))
    return cert if failed is not None else None


def cases_about(result_ids, sub_ids) -> dict[tuple[str, int], ClinicCase]:
    """The cases opened about these results, or about the certificates of these parts,
    keyed ("result", result id) or ("part", part id), in one query."""
    result_ids, sub_ids = set(result_ids), set(sub_ids)
    if not result_ids and not sub_ids:
        return {}
    found = {}
    rows = db.session.execute(
        select(ClinicCase, Certificate.sub_request_id)
        .outerjoin(Certificate, Certificate.id == ClinicCase.certificate_id)
        .where(ClinicCase.result_id.in_(result_ids or {0})
               | Certificate.sub_request_id.in_(sub_ids or {0}))
        .order_by(ClinicCase.id))
    for case, sub_id in rows:
        if case.result_id in result_ids:
            found.setdefault(("result", case.result_id), case)
        if sub_id in sub_ids:
            found.setdefault(("part", sub_id), case)
    return found


def later_request(case: ClinicCase, number: str) -> ServiceRequest | None:
    """A test request of the case's enterprise, made after the case was opened, by its
    number: what a verified benefit may point to."""
    return db.session.scalar(select(ServiceRequest).where(
        ServiceRequest.number == number.strip().upper(),
        ServiceRequest.enterprise_id == case.enterprise_id,
        ServiceRequest.created_at > case.created_at))


def count_findings(case_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(CaseFinding)
                             .where(CaseFinding.case_id == case_id))


def case_tasks(user, expert: Expert | None, limit: int) -> list[tuple[str, list]]:
    """What waits on a person in the clinic, as (key, cases) lists for My tasks: the
    enterprise's questions, resolutions and benefits to answer; an expert's
    dispatches to answer and cases at work; the desk's cases to dispatch, bad reviews
    and articles to approve. One query a list."""
    def cases(stmt):
        return list(db.session.scalars(stmt.options(joinedload(ClinicCase.enterprise))
                                       .order_by(ClinicCase.id).limit(limit)))
    lists = []
    if user.role == Role.sme and user.enterprise_id is not None:
        own = select(ClinicCase).where(ClinicCase.enterprise_id == user.enterprise_id)
        lists += [
            ("clinic_questions", cases(own.where(ClinicCase.state.in_(CLOCK_PAUSED)))),
            ("clinic_to_confirm", cases(own.where(ClinicCase.state == CaseState.proposed))),
            ("clinic_benefits", cases(own.where(ClinicCase.id.in_(
                select(CaseBenefit.case_id).where(CaseBenefit.reported_at.is_(None)))))),
        ]
    if expert is not None:
        mine = select(CaseAssignment.case_id).where(CaseAssignment.expert_id == expert.id)
        lists += [
            ("clinic_to_answer", cases(select(ClinicCase).where(ClinicCase.id.in_(
                mine.where(CaseAssignment.state == AssignmentState.pending))))),
            ("clinic_at_work", cases(select(ClinicCase).where(
                ClinicCase.state.in_(WORKING), ClinicCase.id.in_(
                    mine.where(CaseAssignment.state == AssignmentState.accepted))))),
        ]
    if user.role == Role.admin:
        lists += [
            ("clinic_to_dispatch", cases(select(ClinicCase).where(
                ClinicCase.state == CaseState.submitted))),
            ("clinic_bad_reviews", cases(select(ClinicCase).where(ClinicCase.id.in_(
                select(CaseRating.case_id).where(CaseRating.follow_up_due.is_not(None),
                                                 CaseRating.followed_up_at.is_(None)))))),
            ("clinic_articles", cases(select(ClinicCase).where(ClinicCase.id.in_(
                select(CaseArticle.case_id).where(
                    CaseArticle.state == ArticleState.submitted))))),
        ]
    return lists
