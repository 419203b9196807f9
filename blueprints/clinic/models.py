"""The quality clinic (质量问诊): the pool of experts, and a case (an enterprise's
quality problem, not a sample) with the experts dispatched to it, its messages and
files. A case owns its state changes, each beside its guard; what the experts do on
it (visits, findings, actions, time) is in work.py, how it ended in outcome.py."""
from datetime import date, datetime, timedelta

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
    func,
    select,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from blueprints.audit.models import record_event
from blueprints.catalogue.kinds import IndustryChain
from blueprints.clinic.clock import answer_due, clinic_rule, resumed_answer
from blueprints.clinic.kinds import AssignmentState, MessageKind
from blueprints.clinic.lifecycle import (
    AWAITS_DISPATCH,
    CLOCK_PAUSED,
    DISPATCHABLE,
    OPEN_STATES,
    TAKES_FILES,
    WORKING,
    CaseAction,
    CaseState,
    Party,
    actions_from,
    transition,
)
from blueprints.clinic.matching import Candidate, Needs, conflict_of, is_available
from blueprints.service_requests.lifecycle import StepRefused
from blueprints.service_requests.satisfaction import Level, follow_up_due
from blueprints.standards.tokens import indexed
from core.i18n import lazy_gettext as _l
from core.models import TimestampMixin, VersionedMixin, enum_column
from core.numbering import next_value
from core.roles import LAB_ROLES, Role
from core.signals import clinic_event
from core.timeutil import local_today, to_local, utcnow
from core.uploads import upload_key
from core.working_calendar import desk_calendar
from extensions import db

LIVE = (AssignmentState.pending, AssignmentState.accepted)
# Who may have an expert profile: outside specialists and the labs' staff.
EXPERT_ROLES = LAB_ROLES | {Role.expert}
# Steps that put an expert on a case or take one off it (the others move loads only
# when the case opens or closes).
LOAD_STEPS = (CaseAction.dispatch, CaseAction.decline)


def log_case(user, case_id: int, event: str, before: dict | None = None,
             after: dict | None = None, reason: str = "") -> None:
    """Write the case's audit event and tell whoever hears of it (clinic_event)."""
    record_event(user, "clinic_cases", case_id, event, before=before, after=after,
                 reason=reason)
    clinic_event.send(case_id, event=event, user=user)


class Expert(TimestampMixin, VersionedMixin, db.Model):
    """An expert of the pool: staff of a county lab (employer_lab) or an outside
    specialist (employer by name, and the enterprise when it is one the desk knows)."""
    __tablename__ = "experts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    title: Mapped[str] = mapped_column(String(100), default="")     # 高级工程师 ...
    employer_lab_id: Mapped[int | None] = mapped_column(ForeignKey("labs.id"), index=True)
    employer_enterprise_id: Mapped[int | None] = mapped_column(
        ForeignKey("enterprises.id"), index=True)
    employer_name: Mapped[str] = mapped_column(String(200), default="")
    chains: Mapped[list] = mapped_column(JSON, default=list)        # IndustryChain values
    ics_fields: Mapped[list] = mapped_column(JSON, default=list)    # two-digit ICS fields
    skills: Mapped[list] = mapped_column(JSON, default=list)        # Skill values
    profile: Mapped[str] = mapped_column(Text, default="")
    available: Mapped[bool] = mapped_column(default=True)
    away_until: Mapped[date | None] = mapped_column(Date)
    max_open_cases: Mapped[int] = mapped_column(default=5)
    # The open cases the expert is asked on or at work on: what dispatch weighs. Kept
    # by recount_loads whenever one of their cases moves, not counted per page.
    open_cases: Mapped[int] = mapped_column(default=0)

    user: Mapped["User"] = relationship()  # noqa: F821
    employer_lab: Mapped["Lab | None"] = relationship()  # noqa: F821
    employer_enterprise: Mapped["Enterprise | None"] = relationship()  # noqa: F821
    conflicts: Mapped[list["ExpertConflict"]] = relationship(
        back_populates="expert", cascade="all, delete-orphan", order_by="ExpertConflict.id")

    @property
    def employer(self) -> str:
        return employer_named(getattr(self.employer_lab, "name_zh", None),
                              getattr(self.employer_enterprise, "name", None),
                              self.employer_name)

    def is_available(self, today: date) -> bool:
        return is_available(self.available, self.away_until, today)

    def candidate(self, today: date) -> Candidate:
        """The expert as matching sees them."""
        return Candidate(
            id=self.id, chains=frozenset(self.chains or ()),
            ics_fields=frozenset(self.ics_fields or ()), skills=frozenset(self.skills or ()),
            employer_enterprise_id=self.employer_enterprise_id,
            conflicts=frozenset(c.enterprise_id for c in self.conflicts),
            available=self.is_available(today), open_cases=self.open_cases,
            capacity=self.max_open_cases)


def employer_named(lab: str | None, enterprise: str | None, named: str) -> str:
    """Whom an expert works for, as the desk shows it: the county lab, else the
    enterprise the desk knows, else the name the expert gave."""
    return lab or enterprise or named


def recount_loads(expert_ids) -> None:
    """Count again the open cases of these experts (Expert.open_cases) from their live
    dispatches. Their rows are locked first, so two cases moving at once for the same
    expert cannot each write a count that misses the other."""
    ids = sorted(set(expert_ids))
    if not ids:
        return
    db.session.flush()
    db.session.execute(select(Expert.id).where(Expert.id.in_(ids)).order_by(Expert.id)
                       .with_for_update())
    live = (select(func.count()).select_from(CaseAssignment)
            .join(ClinicCase, ClinicCase.id == CaseAssignment.case_id)
            .where(CaseAssignment.expert_id == Expert.id, CaseAssignment.state.in_(LIVE),
                   ClinicCase.state.in_(OPEN_STATES))
            .scalar_subquery())
    db.session.execute(update(Expert).where(Expert.id.in_(ids)).values(open_cases=live)
                       .execution_options(synchronize_session=False))
    for expert in db.session.identity_map.values():
        if isinstance(expert, Expert) and expert.id in ids:
            db.session.expire(expert, ["open_cases"])

    def allows(self, user, action: str = "view") -> bool:
        """Administrators keep the pool; an expert sees their own profile."""
        if not user.is_authenticated:
            return False
        return user.role == Role.admin or (action == "view" and user.id == self.user_id)


class ExpertConflict(db.Model):
    """An enterprise the expert must never advise: a competitor of their employer, a
    former employer, a relative's firm (declared by the expert, kept by the desk)."""
    __tablename__ = "expert_conflicts"
    __table_args__ = (UniqueConstraint("expert_id", "enterprise_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"))
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    note: Mapped[str] = mapped_column(String(200), default="")

    expert: Mapped[Expert] = relationship(back_populates="conflicts")
    enterprise: Mapped["Enterprise"] = relationship()  # noqa: F821


def expert_of(user) -> Expert | None:
    """The signed-in person's expert profile, if they have one (only outside
    specialists and lab staff may)."""
    if not user.is_authenticated or user.role not in EXPERT_ROLES:
        return None
    return db.session.scalar(select(Expert).where(Expert.user_id == user.id))


class ClinicCase(TimestampMixin, VersionedMixin, db.Model):
    """An enterprise's quality problem, from the order to the benefit it brought."""
    __tablename__ = "clinic_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"))
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    state: Mapped[CaseState] = enum_column(CaseState, default=CaseState.submitted)
    chain: Mapped[IndustryChain] = enum_column(IndustryChain)
    ics_field: Mapped[str] = mapped_column(String(2), default="")
    skills: Mapped[list] = mapped_column(JSON, default=list)        # help asked for
    title: Mapped[str] = mapped_column(String(200))
    product: Mapped[str] = mapped_column(String(200))
    process: Mapped[str] = mapped_column(String(200), default="")
    symptoms: Mapped[str] = mapped_column(Text)
    since: Mapped[str] = mapped_column(String(100), default="")       # how long, as told
    losses: Mapped[str] = mapped_column(Text, default="")
    monthly_loss_cents: Mapped[int | None] = mapped_column(BigInteger)
    # "Ask an expert about this": the failed result or certificate the case started from.
    result_id: Mapped[int | None] = mapped_column(ForeignKey("results.id"), index=True)
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"),
                                                       index=True)
    resolution: Mapped[str] = mapped_column(Text, default="")
    proposed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The clock of the experts' answers stops while the enterprise is asked.
    paused_on: Mapped[date | None] = mapped_column(Date)
    # The enterprise's consent to publish the case anonymised in the case library.
    consent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Number, title, product and process as the full-text index reads them (the list's
    # search): a LIKE '%...%' would read every case to count the matches.
    search_terms: Mapped[str] = mapped_column(Text, default="")

    enterprise: Mapped["Enterprise"] = relationship()  # noqa: F821
    opened_by: Mapped["User"] = relationship()  # noqa: F821
    result: Mapped["Result | None"] = relationship()  # noqa: F821
    certificate: Mapped["Certificate | None"] = relationship()  # noqa: F821
    assignments: Mapped[list["CaseAssignment"]] = relationship(
        back_populates="case", order_by="CaseAssignment.id", cascade="all, delete-orphan")

    __table_args__ = (Index("ix_clinic_cases_enterprise", "enterprise_id", "id"),
                      Index("ix_clinic_cases_state", "state", "id"),
                      Index("ix_clinic_cases_chain_created", "chain", "created_at"))

    def reindex(self) -> None:
        self.search_terms = case_terms(self.number, self.title, self.product, self.process)

    # -- who is who ------------------------------------------------------------------

    def live_assignment(self, expert_id: int | None) -> "CaseAssignment | None":
        return next((a for a in self.assignments
                     if a.expert_id == expert_id and a.state in LIVE), None)

    def parties(self, user, expert: Expert | None = None) -> set[Party]:
        """The user's relation to the case: its enterprise's member, an expert it is
        dispatched to (and who has not declined), an administrator; or none."""
        if not user.is_authenticated:
            return set()
        if user.role == Role.admin:
            return {Party.admin}
        if user.role == Role.sme:
            return {Party.enterprise} if user.enterprise_id == self.enterprise_id else set()
        expert = expert if expert is not None else expert_of(user)
        return {Party.expert} if expert and self.live_assignment(expert.id) else set()

    def allows(self, user, action: str = "view", expert: Expert | None = None) -> bool:
        """Confidential: the enterprise, its experts and the administrators see it;
        nobody else learns it exists. `action` is "view" or a Party that must be the
        user's ("enterprise", "expert", "admin"); `expert` is the user's profile when
        the caller has read it already."""
        parties = self.parties(user, expert)
        return bool(parties) if action == "view" else action in parties

    # -- what can be done ---------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_working(self) -> bool:
        return self.state in WORKING

    @property
    def takes_files(self) -> bool:
        return self.state in TAKES_FILES

    @property
    def is_dispatchable(self) -> bool:
        return self.state in DISPATCHABLE

    @property
    def awaits_dispatch(self) -> bool:
        return self.state in AWAITS_DISPATCH

    @property
    def is_resolved(self) -> bool:
        return self.state == CaseState.resolved

    @property
    def is_paused(self) -> bool:
        return self.state in CLOCK_PAUSED

    def actions_for(self, parties, assignment: "CaseAssignment | None" = None
                    ) -> list[CaseAction]:
        """The steps a person sees as buttons: the table's, less dispatching (a form
        of its own) and less what their dispatch rules out: an expert still asked
        accepts, declines or asks the enterprise first; one at work does the rest."""
        pending = assignment is not None and assignment.is_pending
        answering = {CaseAction.accept, CaseAction.decline}
        asked = answering | {CaseAction.ask}   # one may ask before accepting
        actions = []
        for action in actions_from(self.state, parties):
            if action == CaseAction.dispatch:
                continue
            if parties == {Party.expert} and (action not in asked if pending
                                              else action in answering):
                continue
            actions.append(action)
        return actions

    @property
    def live_assignments(self) -> list["CaseAssignment"]:
        """The experts asked or at work (not those who declined or were released)."""
        return [a for a in self.assignments if a.state in LIVE]

    def accepted_experts(self) -> list["CaseAssignment"]:
        return [a for a in self.assignments if a.state == AssignmentState.accepted]

    def pending_experts(self) -> list["CaseAssignment"]:
        return [a for a in self.assignments if a.state == AssignmentState.pending]

    # -- state changes ------------------------------------------------------------------

    @classmethod
    def open(cls, user, values: dict, result=None, certificate=None) -> "ClinicCase":
        """The enterprise orders (点单): a new case, numbered WZ-<year>-<n>, waiting for
        the desk to dispatch it. `result` or `certificate` is the failed one of the
        enterprise's own it starts from (the caller checked it is theirs)."""
        if user.role != Role.sme or user.enterprise is None or user.enterprise.is_pending \
                or user.enterprise.is_rejected:
            raise StepRefused(_l("Your enterprise is not verified yet; the desk will "
                                 "verify it, usually within one working day."))
        today = local_today()
        case = cls(number=f"WZ-{today.year}-{next_value('clinic', today.year):06d}",
                   enterprise_id=user.enterprise_id, opened_by_id=user.id,
                   state=CaseState.submitted, result=result, certificate=certificate, **values)
        db.session.add(case)
        db.session.flush()
        log_case(user, case.id, "opened",
                     after={"state": case.state.value, "result": getattr(result, "id", None),
                            "certificate": getattr(certificate, "id", None)})
        return case

    def take(self, action: CaseAction, user, party: Party, text: str = "") -> None:
        """Move along the lifecycle table and write its audit event.

        Raises the lifecycle's CaseStepRefused when the table has no such step or it
        is not `party`'s; the caller checked that `party` is the user's."""
        step = transition(self.state, action, party)
        before = self.state
        self.state = step.to
        log_case(user, self.id, step.event,
                     before={"state": before.value}, after={"state": step.to.value},
                     reason=text)
        if (before in OPEN_STATES) != (step.to in OPEN_STATES) or action in LOAD_STEPS:
            recount_loads(a.expert_id for a in self.assignments)

    def dispatch(self, user, experts: list[Expert], now: datetime | None = None) -> None:
        """Send the case to one expert or a group. Each owes an answer within the
        clinic's response time; the first accepted (or dispatched) leads. Refused for
        an expert with a conflict of interest or already on the case."""
        if not experts:
            raise StepRefused(_l("Choose at least one expert."))
        transition(self.state, CaseAction.dispatch, Party.admin)
        now = now or utcnow()
        needs = Needs(self.enterprise_id, self.chain.value)
        due = answer_due(desk_calendar(), now, clinic_rule())
        lead = not any(a.state in LIVE for a in self.assignments)
        for expert in experts:
            if conflict_of(needs, expert.candidate(local_today())) is not None:
                raise StepRefused(_l("%(name)s has a conflict of interest with this "
                                     "enterprise and cannot take its case.",
                                     name=expert.user.name))
            if self.live_assignment(expert.id) is not None:
                raise StepRefused(_l("%(name)s is already on this case.",
                                     name=expert.user.name))
            self.assignments.append(CaseAssignment(
                expert=expert, lead=lead, dispatched_by_id=user.id, dispatched_at=now,
                answer_by=due))
            lead = False
        db.session.flush()
        self.take(CaseAction.dispatch, user, Party.admin,
                  text=", ".join(e.user.name for e in experts))

    def assignment_of(self, user, state: AssignmentState) -> "CaseAssignment":
        """The user's own dispatch to the case in `state`; refused otherwise."""
        assignment = self.live_assignment(getattr(expert_of(user), "id", None))
        if assignment is None or assignment.state != state:
            raise StepRefused(_l("This case is not waiting for your answer.")
                              if state == AssignmentState.pending
                              else _l("Accept the case before working on it."))
        return assignment

    def _own_pending(self, user) -> "CaseAssignment":
        return self.assignment_of(user, AssignmentState.pending)

    def accept(self, user) -> None:
        assignment = self._own_pending(user)
        assignment.state, assignment.answered_at = AssignmentState.accepted, utcnow()
        if not any(a.lead for a in self.accepted_experts() if a is not assignment):
            for other in self.assignments:
                other.lead = other is assignment
        self.take(CaseAction.accept, user, Party.expert)

    def decline(self, user, reason: str) -> None:
        """Decline with a reason. The case goes back to the desk only when nobody
        else is asked or at work on it."""
        assignment = self._own_pending(user)
        step = transition(self.state, CaseAction.decline, Party.expert)
        assignment.state, assignment.answered_at = AssignmentState.declined, utcnow()
        assignment.reason, assignment.lead = reason, False
        if any(a.state in LIVE for a in self.assignments):
            log_case(user, self.id, step.event,
                         before={"state": self.state.value}, after={"state": self.state.value},
                         reason=reason)
            recount_loads([assignment.expert_id])
            return
        self.take(CaseAction.decline, user, Party.expert, text=reason)

    def ask(self, user, party: Party, question: str, today: date | None = None) -> None:
        """Ask the enterprise for information: the experts' answer clock stops. An
        expert asks on a dispatch of their own (before or after accepting it)."""
        if party == Party.expert and self.live_assignment(
                getattr(expert_of(user), "id", None)) is None:
            raise StepRefused(_l("This case is not waiting for your answer."))
        self.take(CaseAction.ask, user, party, text=question)
        self.paused_on = today or local_today()
        self.messages_add(user, MessageKind.question, question)

    def answer(self, user, text: str, today: date | None = None) -> None:
        """The enterprise answers: the clock restarts with the working days it had."""
        self.take(CaseAction.answer, user, Party.enterprise, text=text)
        today = today or local_today()
        if self.paused_on is not None:
            calendar, rule = desk_calendar(), clinic_rule()
            for a in self.pending_experts():
                a.answer_by = resumed_answer(calendar, a.answer_by, self.paused_on, today, rule)
            self.paused_on = None
        self.messages_add(user, MessageKind.answer, text)

    def propose(self, user, resolution: str, findings: int) -> None:
        """The expert proposes the case resolved, saying what was found and done."""
        self.assignment_of(user, AssignmentState.accepted)
        if findings == 0:
            raise StepRefused(_l("Record at least one finding (the cause) before "
                                 "proposing the case resolved."))
        self.take(CaseAction.propose, user, Party.expert, text=resolution)
        self.resolution, self.proposed_at = resolution, utcnow()

    def confirm(self, user) -> None:
        self.take(CaseAction.confirm, user, Party.enterprise)
        self.resolved_at = utcnow()

    def give_consent(self, user) -> None:
        """The enterprise agrees to its case being published anonymised."""
        if not self.is_resolved or self.consent_at is not None:
            raise StepRefused(_l("Consent is given once, for a resolved case."))
        self.consent_at = utcnow()
        log_case(user, self.id, "publication_consented")

    def messages_add(self, user, kind: MessageKind, body: str) -> "CaseMessage":
        message = CaseMessage(case_id=self.id, author_id=user.id, kind=kind, body=body)
        db.session.add(message)
        return message

    def benefit_due_on(self, after_days: int) -> date | None:
        """The day the desk asks for the benefit: so many days after resolution."""
        if self.resolved_at is None:
            return None
        return to_local(self.resolved_at).date() + timedelta(days=after_days)


def case_terms(number: str, title: str, product: str, process: str | None) -> str:
    """A case's search terms; its number also whole ("wz2026000123"), so a number typed
    with or without its dashes finds it."""
    return indexed(" ".join((number or "", (number or "").replace("-", ""), title or "",
                             product or "", process or "")))


@event.listens_for(ClinicCase, "before_insert")
@event.listens_for(ClinicCase, "before_update")
def _keep_search_terms(_mapper, _connection, case: ClinicCase) -> None:
    case.reindex()


class CaseAssignment(db.Model):
    """One expert dispatched to a case, and their answer."""
    __tablename__ = "clinic_assignments"
    __table_args__ = (UniqueConstraint("case_id", "expert_id"),
                      Index("ix_clinic_assignments_expert", "expert_id", "state", "case_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("clinic_cases.id", ondelete="CASCADE"))
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id"))
    state: Mapped[AssignmentState] = enum_column(AssignmentState,
                                                 default=AssignmentState.pending)
    lead: Mapped[bool] = mapped_column(default=False)
    dispatched_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    dispatched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    answer_by: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str] = mapped_column(Text, default="")

    case: Mapped[ClinicCase] = relationship(back_populates="assignments")
    expert: Mapped[Expert] = relationship()

    @property
    def is_pending(self) -> bool:
        return self.state == AssignmentState.pending

    def is_late(self, now: datetime, paused: bool) -> bool:
        return self.is_pending and not paused and to_local(self.answer_by) < to_local(now)


class CaseMessage(db.Model):
    """A question to the enterprise, its answer, or a note on the case."""
    __tablename__ = "clinic_messages"
    __table_args__ = (Index("ix_clinic_messages_case", "case_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("clinic_cases.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[MessageKind] = enum_column(MessageKind)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    author: Mapped["User"] = relationship()  # noqa: F821


class CaseAttachment(db.Model):
    """A photo or report sent with the case (or as an action's evidence), checked by
    content and stored outside static/ as a request's attachments are."""
    __tablename__ = "clinic_attachments"
    __table_args__ = (Index("ix_clinic_attachments_case", "case_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("clinic_cases.id", ondelete="CASCADE"))
    action_id: Mapped[int | None] = mapped_column(ForeignKey("clinic_actions.id"))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(String(64))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    uploaded_by: Mapped["User"] = relationship()  # noqa: F821

    @property
    def key(self) -> str:
        return upload_key(self.stored_name)

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class CaseRating(db.Model):
    """The enterprise's satisfaction with the clinic (the requests' five levels); a
    bad review is followed up by the desk within 15 working days."""
    __tablename__ = "clinic_ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("clinic_cases.id", ondelete="CASCADE"),
                                         unique=True)
    level: Mapped[int] = mapped_column()
    comment: Mapped[str] = mapped_column(Text, default="")
    rated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    follow_up_due: Mapped[date | None] = mapped_column(Date, index=True)
    follow_up_note: Mapped[str] = mapped_column(Text, default="")
    followed_up_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @classmethod
    def rate(cls, case: ClinicCase, user, level: Level, comment: str,
             today: date) -> "CaseRating":
        """Rate a resolved case, once."""
        if not case.is_resolved:
            raise StepRefused(_l("A case is rated once it is resolved."))
        if db.session.scalar(select(cls.id).where(cls.case_id == case.id)) is not None:
            raise StepRefused(_l("This case was rated already."))
        rating = cls(case_id=case.id, level=level.value, comment=comment, rated_by_id=user.id,
                     follow_up_due=follow_up_due(level, today))
        db.session.add(rating)
        db.session.flush()
        log_case(user, case.id, "rated",
                     after={"level": level.value}, reason=comment)
        return rating

    @property
    def is_bad(self) -> bool:
        return self.follow_up_due is not None

    def follow_up(self, user, note: str) -> None:
        if self.follow_up_due is None or self.followed_up_at is not None:
            raise StepRefused(_l("This review was followed up already."))
        self.follow_up_note, self.followed_up_at = note, utcnow()
        log_case(user, self.case_id, "review_followed_up", reason=note)
