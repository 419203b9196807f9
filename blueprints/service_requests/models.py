"""Requests: what the applicant asked for (ServiceRequest, with its items and
attachments) and each lab's part of it (SubRequest), which runs the lifecycle."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    bindparam,
    select,
    text,
)
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from blueprints.audit.models import AuditEvent, record_event
from blueprints.catalogue.models import Capability, Service
from blueprints.labs.four_eyes import Signoff, Team, signoff
from blueprints.labs.labels import REFUSAL_LABELS
from blueprints.labs.models import team_of
from blueprints.service_requests.clock import follow_lifecycle
from blueprints.service_requests.lifecycle import (
    AWAITS_SIGNOFF,
    BOOKABLE,
    FINAL_STATES,
    NEEDS_REASON,
    NEEDS_SIGNATORY,
    OPEN_STATES,
    RESULTS_VISIBLE,
    RULED,
    SAMPLES_HELD,
    SHOWS_LAB_MESSAGE,
    TAKES_READINGS,
    TAKES_RESULTS,
    WORK_UNDER_WAY,
    Action,
    FourEyes,
    QuoteLine,
    QuoteRefused,
    State,
    StepRefused,
    actions_from,
    transition,
)
from blueprints.service_requests.satisfaction import Level, follow_up_due, is_bad
from blueprints.service_requests.verdicts import Verdict
from blueprints.service_requests.written_results import ResultForm
from core.i18n import lazy_gettext as _l
from core.models import TimestampMixin, VersionedMixin, enum_column
from core.numbers import plain
from core.roles import LAB_ROLES, Role
from core.signals import issue_requested, part_rated, part_stepped
from core.timeutil import utcnow
from core.uploads import upload_key
from extensions import db


@dataclass(frozen=True)
class DraftLine:
    """One line of a draft as typed: a catalogue service on a described sample."""
    service_id: int
    sample_description: str
    quantity: int = 1
    requirements: str = ""


# Samples are kept this long after receipt, for a retest or a complaint.
SAMPLE_RETENTION = timedelta(days=90)

# The open states in one fixed order, as the partial index of open parts spells them.
OPEN_ORDER = sorted(OPEN_STATES)
AT_WORK_ORDER = sorted(TAKES_RESULTS)


def _states_sql(states: list) -> str:
    return "state IN (" + ", ".join(f"'{s.value}'" for s in states) + ")"


OPEN_SQL, AT_WORK_SQL = _states_sql(OPEN_ORDER), _states_sql(AT_WORK_ORDER)


def keep_open_work(sub: "SubRequest", was_open: bool) -> None:
    """Each capability's open items follow its parts as they open and close: routing
    reads a lab's queue for a service from there instead of counting every item of the
    service ever asked for (one atomic increment per service, so concurrent steps add
    up; blueprints/service_requests/open_work.py recounts them)."""
    if was_open == (sub.state in OPEN_STATES):
        return
    sign = -1 if was_open else 1
    per_service: dict[int, int] = {}
    for item in sub.items:
        per_service[item.service_id] = per_service.get(item.service_id, 0) + 1
    caps = Capability.__table__
    for service_id, n in per_service.items():
        db.session.execute(caps.update().where(caps.c.lab_id == sub.lab_id,
                                               caps.c.service_id == service_id)
                           .values(open_items=caps.c.open_items + sign * n))


class ServiceRequest(TimestampMixin, VersionedMixin, db.Model):
    """The applicant's request under one public number (QD-2026-000123)."""
    __tablename__ = "service_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(20), unique=True)
    state: Mapped[State] = enum_column(State, default=State.draft)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"), index=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    contact_name: Mapped[str] = mapped_column(String(100))
    contact_phone: Mapped[str] = mapped_column(String(30))
    notes: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    due_date: Mapped[date | None] = mapped_column(Date)
    # Scales brought to an on-site campaign day rather than dropped off at the lab.
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), index=True)

    applicant: Mapped["User"] = relationship()  # noqa: F821
    enterprise: Mapped["Enterprise | None"] = relationship()  # noqa: F821
    items: Mapped[list["RequestItem"]] = relationship(
        back_populates="request", order_by="RequestItem.position",
        cascade="all, delete-orphan")
    sub_requests: Mapped[list["SubRequest"]] = relationship(
        back_populates="request", order_by="SubRequest.part", cascade="all, delete-orphan")
    attachments: Mapped[list["Attachment"]] = relationship(
        back_populates="request", order_by="Attachment.id", cascade="all, delete-orphan")
    campaign: Mapped["Campaign | None"] = relationship()  # noqa: F821

    __table_args__ = (Index("ix_service_requests_enterprise_created", "enterprise_id", "id"),
                      Index("ix_service_requests_applicant_created", "applicant_id", "id"),
                      # the dashboards' figures read a day's submissions
                      Index("ix_service_requests_submitted", "submitted_at"))

    def is_applicant(self, user) -> bool:
        """The applicant side: the enterprise's members, or the citizen who asked."""
        if not user.is_authenticated:
            return False
        if self.enterprise_id is not None:
            return user.role == Role.sme and user.enterprise_id == self.enterprise_id
        return user.id == self.applicant_id

    def allows(self, user, action: str = "view") -> bool:
        """Applicants see and (while a draft) edit their own requests; a lab sees a
        request it has a part of; admins see all. Nobody else learns it exists."""
        if not user.is_authenticated:
            return False
        if self.is_applicant(user):
            if action == "attach":  # files go with a draft, or answer a lab's question
                return self.state == State.draft or any(
                    s.state == State.returned for s in self.sub_requests)
            return action == "view" or (action == "edit" and self.state == State.draft)
        if action != "view":
            return False
        if user.role == Role.admin:
            return True
        return user.role in LAB_ROLES and any(s.lab_id == user.lab_id for s in self.sub_requests)

    @property
    def total_cents(self) -> int:
        return sum(i.price_cents * i.quantity for i in self.items)

    @classmethod
    def new_draft(cls, user) -> "ServiceRequest":
        return cls(applicant_id=user.id, enterprise_id=user.enterprise_id, state=State.draft)

    def save_draft(self, user, title: str, contact_name: str, contact_phone: str, notes: str,
                   lines: list["DraftLine"]) -> None:
        """The draft as the applicant typed it, each line at the catalogue's price (the
        lab's quote replaces it after review). Raises StepRefused once submitted."""
        if self.state not in (State.draft, None):
            raise StepRefused(_l("Only a draft can be changed."))
        self.title, self.contact_name = title, contact_name
        self.contact_phone, self.notes = contact_phone, notes
        self.items = []
        db.session.add(self)
        db.session.flush()
        prices = dict(db.session.execute(select(Service.id, Service.price_cents).where(
            Service.id.in_([line.service_id for line in lines]))).all())
        self.items = [RequestItem(position=n, service_id=line.service_id,
                                  sample_description=line.sample_description,
                                  quantity=line.quantity or 1, requirements=line.requirements,
                                  price_cents=prices[line.service_id])
                      for n, line in enumerate(lines, start=1)]
        db.session.flush()
        record_event(user, "service_requests", self.id, "draft_saved",
                     after={"items": len(self.items)})

    def delete_draft(self, user) -> None:
        if not self.is_draft:
            raise StepRefused(_l("Only a draft can be deleted."))
        record_event(user, "service_requests", self.id, "draft_deleted",
                     before={"title": self.title})
        db.session.delete(self)

    @property
    def customer_name(self) -> str:
        """Who the lab works for, as its pages and documents name them: the
        enterprise, or the citizen who asked."""
        return self.enterprise.name if self.enterprise else self.applicant.name

    @property
    def is_draft(self) -> bool:
        return self.state == State.draft

    @property
    def is_about_scales(self) -> bool:
        """Every item is the verification of a registered instrument (a vendor's scales):
        its pages and messages speak of scales, verification and certificates, not of
        samples, reports and 委托."""
        return bool(self.items) and all(i.instrument_id is not None for i in self.items)


class RequestItem(db.Model):
    """One catalogue service on one sample."""
    __tablename__ = "request_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_requests.id", ondelete="CASCADE"),
                                            index=True)
    sub_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("sub_requests.id", ondelete="SET NULL"), index=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), index=True)
    position: Mapped[int] = mapped_column(default=1)
    sample_description: Mapped[str] = mapped_column(String(300))
    quantity: Mapped[int] = mapped_column(default=1)
    requirements: Mapped[str] = mapped_column(Text, default="")
    # Unit price: the expected one while a draft, the lab's quote after review (7.1).
    price_cents: Mapped[int] = mapped_column(default=0)
    price_reason: Mapped[str] = mapped_column(Text, default="")
    method_deviation: Mapped[str] = mapped_column(Text, default="")
    due_date: Mapped[date | None] = mapped_column(Date)
    # The instrument verified or calibrated, when the item is one (one part per scale).
    instrument_id: Mapped[int | None] = mapped_column(ForeignKey("instruments.id"), index=True)

    request: Mapped[ServiceRequest] = relationship(back_populates="items")
    sub_request: Mapped["SubRequest | None"] = relationship(back_populates="items")
    service: Mapped["Service"] = relationship()  # noqa: F821
    sample: Mapped["Sample | None"] = relationship(back_populates="item", uselist=False,
                                                   cascade="all, delete-orphan")
    results: Mapped[list["Result"]] = relationship(back_populates="item",
                                                   cascade="all, delete-orphan")
    instrument: Mapped["Instrument | None"] = relationship()  # noqa: F821
    scale_verification: Mapped["ScaleVerification | None"] = relationship(  # noqa: F821
        uselist=False, cascade="all, delete-orphan")

    @property
    def line_cents(self) -> int:
        return self.price_cents * self.quantity

    @property
    def routed_cents(self) -> int | None:
        """The unit price the applicant was shown when the item was routed (the lab's
        catalogue price then); the quote may change it, with a reason."""
        return self.sub_request.routed_prices.get(self.id) if self.sub_request else None

    @property
    def price_changed(self) -> bool:
        return self.routed_cents is not None and self.routed_cents != self.price_cents

    def missing_results(self) -> list:
        """Parameters that still have no result. A scale's results are its
        verification record (the metrologist's readings), not parameter rows."""
        if self.instrument_id is not None and self.instrument.is_scale:
            return [] if self.scale_verification is not None else list(self.service.parameters)
        done = {r.parameter_id for r in self.results}
        return [p for p in self.service.parameters if p.id not in done]


class SubRequest(TimestampMixin, VersionedMixin, db.Model):
    """One lab's part of a request; it runs the lifecycle."""
    __tablename__ = "sub_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_requests.id", ondelete="CASCADE"),
                                            index=True)
    lab_id: Mapped[int] = mapped_column(ForeignKey("labs.id"))
    part: Mapped[int] = mapped_column(default=1)
    state: Mapped[State] = enum_column(State, default=State.submitted)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    due_date: Mapped[date | None] = mapped_column(Date)
    routing_reason: Mapped[list | None] = mapped_column(JSON)
    applicant_message: Mapped[str] = mapped_column(Text, default="")  # why returned/rejected
    internal_note: Mapped[str] = mapped_column(Text, default="")      # never shown to applicants
    # Test or environmental conditions during the work, printed on the report
    # (17025 7.8.3.1 a, 7.8.4.1 a).
    work_conditions: Mapped[str] = mapped_column(Text, default="")
    # Set when an issued part is reopened to correct it: the next certificate issued
    # replaces the valid one and says why (17025 7.8.8).
    amendment_reason: Mapped[str] = mapped_column(Text, default="")
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The lab's answer to a submitted part (accept, quote, return, reject) is due then.
    answer_by: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Set while the part waits on the applicant: the turnaround clock stopped that day.
    clock_paused_on: Mapped[date | None] = mapped_column(Date)

    request: Mapped[ServiceRequest] = relationship(back_populates="sub_requests")
    lab: Mapped["Lab"] = relationship()  # noqa: F821
    assignee: Mapped["User | None"] = relationship(foreign_keys=[assignee_id])  # noqa: F821
    items: Mapped[list[RequestItem]] = relationship(back_populates="sub_request",
                                                    order_by="RequestItem.position")
    rating: Mapped["Rating | None"] = relationship(back_populates="sub_request", uselist=False)

    __table_args__ = (
        UniqueConstraint("request_id", "part", name="uq_sub_requests_request_part"),
        # The lab queue, calendar and My tasks: one lab's open parts by due date (a few
        # thousand entries, however many closed parts the lab's history holds).
        Index("ix_sub_requests_open_due", "lab_id", "due_date", "id",
              sqlite_where=text(OPEN_SQL), postgresql_where=text(OPEN_SQL)),
        # The worklist: one lab's parts taking results by due date (at a backlog lab,
        # some of its open parts, not all of them).
        Index("ix_sub_requests_at_work_due", "lab_id", "due_date", "id",
              sqlite_where=text(AT_WORK_SQL), postgresql_where=text(AT_WORK_SQL)),
        # One lab's parts in one state by due date.
        Index("ix_sub_requests_lab_state_due", "lab_id", "state", "due_date"),
        Index("ix_sub_requests_lab_due", "lab_id", "due_date", "id"),
        # One person's parts in one state (My tasks' "assigned to you", the queue's
        # "mine"): what they have at hand, not every part they ever worked on.
        Index("ix_sub_requests_assignee_state_due", "assignee_id", "state", "due_date"),
        # The deadline alerts: answers due, and due dates, across all labs.
        Index("ix_sub_requests_state_answer_by", "state", "answer_by"),
        Index("ix_sub_requests_state_due", "state", "due_date"),
    )

    @property
    def number(self) -> str:
        return f"{self.request.number}-{self.part}"

    @classmethod
    def is_open(cls):
        """SQL for the parts a lab still owes work on, the states written out rather than
        bound: both databases match a query to the partial index of open parts only when
        its condition reads as the index's does."""
        return cls._in_states("open_states", OPEN_ORDER)

    @classmethod
    def is_at_work(cls):
        """SQL for the parts taking results, written out as their partial index reads."""
        return cls._in_states("at_work_states", AT_WORK_ORDER)

    @classmethod
    def _in_states(cls, name: str, states: list):
        return cls.state.in_(bindparam(name, states, expanding=True, literal_execute=True))

    # What pages ask of the part's place in the lifecycle (templates name no state).
    @property
    def results_visible_to_applicant(self) -> bool:
        return self.state in RESULTS_VISIBLE

    @property
    def work_under_way(self) -> bool:
        return self.state in WORK_UNDER_WAY

    @property
    def takes_results(self) -> bool:
        return self.state in TAKES_RESULTS

    @property
    def takes_readings(self) -> bool:
        return self.state in TAKES_READINGS

    @property
    def holds_samples(self) -> bool:
        return self.state in SAMPLES_HELD

    @property
    def is_bookable(self) -> bool:
        """A drop-off can still be booked or moved (the samples are not in yet)."""
        return self.state in BOOKABLE

    @property
    def needs_signatory(self) -> bool:
        return self.state in NEEDS_SIGNATORY

    @property
    def awaits_signoff(self) -> bool:
        return self.state in AWAITS_SIGNOFF

    @property
    def awaits_quote_acceptance(self) -> bool:
        return self.state == State.quoted

    @property
    def lab_message(self) -> str:
        """The lab's word to the applicant while it stands (returned, rejected)."""
        return self.applicant_message if self.state in SHOWS_LAB_MESSAGE else ""

    @property
    def is_final(self) -> bool:
        """Rejected, cancelled or closed: nothing more happens to it."""
        return self.state in FINAL_STATES

    @property
    def is_free(self) -> bool:
        """Free work is accepted without a quote."""
        return self.total_cents == 0

    def actions_for(self, user) -> list[Action]:
        """The steps this user may take on the part now, in table order (its buttons):
        the lab's own staff by their role, the applicant the applicant's steps."""
        if not user.is_authenticated or not (
                (user.role in LAB_ROLES and user.lab_id == self.lab_id)
                or (user.role not in LAB_ROLES and self.request.is_applicant(user))):
            return []
        return [a for a in actions_from(self.state, user.role)
                if a != Action.accept_free or self.is_free]

    @property
    def total_cents(self) -> int:
        return sum(i.line_cents for i in self.items)

    @property
    def routed_prices(self) -> dict[int, int]:
        """Each item's unit price as routed, by item id (from the routing record)."""
        return {r["item"]: r["chosen"]["price_cents"] for r in self.routing_reason or []
                if "item" in r}

    @property
    def routed_total_cents(self) -> int:
        routed = self.routed_prices
        return sum(routed.get(i.id, i.price_cents) * i.quantity for i in self.items)

    def allows(self, user, action: str = "view") -> bool:
        """Its lab works it (managers decide, staff enter); the applicant follows
        it and takes the applicant's steps; admins look on."""
        if not user.is_authenticated:
            return False
        if user.role in LAB_ROLES:
            return user.lab_id == self.lab_id
        if self.request.is_applicant(user):
            return action in ("view", "applicant")
        return user.role == Role.admin and action == "view"

    def take(self, action: Action, user, reason: str = "") -> None:
        """Move along the lifecycle table, writing the audit event.

        Raises the lifecycle's TransitionError when the step is not in the table or
        not the user's to take; the caller checked `allows()` first.
        """
        step = transition(self.state, action, user.role)
        before = self.state
        self.state = step.to
        after = {"state": step.to.value}
        if step.to == State.issued and self.due_date is not None:
            # What "on time" is judged against, as it stood when the report went out.
            after["due_date"] = self.due_date.isoformat()
        record_event(user, "sub_requests", self.id, step.event,
                     before={"state": before.value}, after=after, reason=reason)
        follow_lifecycle(self, before)
        keep_open_work(self, before in OPEN_STATES)
        part_stepped.send(self, event=step.event, user=user)

    # The steps whose rules go beyond the lifecycle table, each beside its guard. A
    # route parses its input, calls one of these and renders; a refusal is a
    # TransitionError (not in the table, or not this role's) or a StepRefused.

    def step(self, action: Action, user, reason: str = "") -> None:
        """Take `action` through its method below, or the table alone when it has no
        rule of its own (start, close, confirm, cancel, resubmit)."""
        method = getattr(self, action.value, None) if action in RULED else None
        if method is None:
            self.take(action, user, reason=reason)
        elif action in NEEDS_REASON:
            method(user, reason)
        else:
            method(user)

    def accept_free(self, user) -> None:
        if not self.is_free:
            raise StepRefused(_l("Only free work is accepted without a quote; send a quote."))
        self.take(Action.accept_free, user)

    def return_for_info(self, user, reason: str) -> None:
        self.applicant_message = reason
        self.take(Action.return_for_info, user, reason=reason)

    def reject(self, user, reason: str) -> None:
        self.applicant_message = reason
        self.take(Action.reject, user, reason=reason)

    def send_back(self, user, reason: str) -> None:
        self.take(Action.send_back, user, reason=reason)

    def amend(self, user, reason: str) -> None:
        self.amendment_reason = reason
        self.take(Action.amend, user, reason=reason)

    def quote(self, user, lines: list["QuoteLine"]) -> None:
        """The lab's quote (17025 7.1): each item's price, why it differs from the lab's
        catalogue price, and any method deviation. Raises QuoteRefused naming the items
        whose changed price has no reason; nothing changes then."""
        items = {i.id: i for i in self.items}
        if sorted(line.item_id for line in lines) != sorted(items):
            raise ValueError("one quote line per item of the part")
        listed = dict(db.session.execute(select(Capability.service_id, Capability.price_cents)
                                         .where(Capability.lab_id == self.lab_id)).all())
        unexplained = {line.item_id for line in lines if not line.reason and line.cents
                       != listed.get(items[line.item_id].service_id,
                                     items[line.item_id].price_cents)}
        if unexplained:
            raise QuoteRefused(unexplained)
        for line in lines:
            item = items[line.item_id]
            item.price_cents, item.price_reason = line.cents, line.reason
            item.method_deviation = line.deviation
        self.take(Action.quote, user)
        record_event(user, "sub_requests", self.id, "quote_detail",
                     after={"total_cents": self.total_cents,
                            "deviations": [i.method_deviation for i in self.items
                                           if i.method_deviation]})

    def sample_code(self, n: int) -> str:
        """Sample codes count within the part: QD-2026-000123-2-1, -2-2 ..."""
        return f"{self.number}-{n}"

    def receive_samples(self, user, conditions: dict[int, str], today: date) -> None:
        """The samples came in: one coded sample per item, its condition as found,
        kept for SAMPLE_RETENTION after receipt."""
        self.take(Action.receive_sample, user)
        retain = today + SAMPLE_RETENTION
        for n, item in enumerate(self.items, start=1):
            item.sample = Sample(code=self.sample_code(n), condition=conditions.get(item.id, ""),
                                 received_by_id=user.id, retain_until=retain)

    def submit_results(self, user) -> None:
        if any(item.missing_results() for item in self.items):
            raise StepRefused(_l("Some parameters have no result yet."))
        self.take(Action.submit_results, user)

    @staticmethod
    def result_enterers(sub_ids) -> dict[int, set[int]]:
        """For each part, everyone who ever entered or changed one of its results (one
        query): four eyes keeps them from approving it."""
        rows = db.session.execute(
            select(RequestItem.sub_request_id, AuditEvent.actor_id).join(
                AuditEvent, (AuditEvent.entity == "request_items")
                & (AuditEvent.entity_id == RequestItem.id))
            .where(RequestItem.sub_request_id.in_(list(sub_ids)),
                   AuditEvent.action == "results_entered")) if sub_ids else ()
        enterers: dict[int, set[int]] = {}
        for sub_id, actor_id in rows:
            enterers.setdefault(sub_id, set()).add(actor_id)
        return enterers

    @property
    def kinds(self) -> set[str]:
        """The kinds of service in the part: a signatory's scope must cover them all."""
        return {item.service.kind.value for item in self.items}

    def signoff(self, user, team: Team | None = None,
                enterers: set[int] | None = None) -> Signoff:
        """The four-eyes rule for this user on this part (labs/four_eyes.py), decided
        here only: part page, campaign days and batches all ask. `team` and
        `enterers` save the queries when the caller read them for many parts."""
        if team is None:
            team = team_of(self.lab_id)
        if enterers is None:
            enterers = self.result_enterers([self.id]).get(self.id, set())
        return signoff(team, user.id, enterers, self.kinds,
                       reviewed=self.state != State.in_review)

    def check_signer(self, user, team: Team | None = None,
                     enterers: set[int] | None = None) -> None:
        """Raises FourEyes unless the user may sign this part's report now."""
        refusal = self.signoff(user, team, enterers).sign
        if refusal is not None:
            raise FourEyes(REFUSAL_LABELS[refusal], refusal)

    def approve(self, user, team: Team | None = None, enterers: set[int] | None = None) -> None:
        """The review (审核): by a manager or signatory who entered none of the results."""
        refusal = self.signoff(user, team, enterers).review
        if refusal is not None:
            raise FourEyes(REFUSAL_LABELS[refusal], refusal)
        self.take(Action.approve, user)
        self.approved_by_id, self.approved_at = user.id, utcnow()

    def issue(self, user) -> None:
        """Issue the approved part from its page: the step, then its certificate, which
        the certificates area makes on the issue_requested signal (and refuses with a
        StepRefused when the user cannot sign). Batches issue many parts their own way."""
        self.take(Action.issue, user)
        issue_requested.send(self, user=user)

    def assign(self, user, assignee_id: int | None) -> None:
        before, self.assignee_id = self.assignee_id, assignee_id
        record_event(user, "sub_requests", self.id, "assigned",
                     before={"assignee_id": before}, after={"assignee_id": assignee_id})

    def write_notes(self, user, work_conditions: str, internal_note: str) -> None:
        """The conditions printed on the report are audited word for word; the internal
        note only as edited."""
        if self.work_conditions != work_conditions:
            record_event(user, "sub_requests", self.id, "conditions_edited",
                         before={"work_conditions": self.work_conditions},
                         after={"work_conditions": work_conditions})
        if self.internal_note != internal_note:
            record_event(user, "sub_requests", self.id, "note_edited")
        self.work_conditions, self.internal_note = work_conditions, internal_note

    def can_rate(self) -> bool:
        return self.state == State.closed and self.rating is None

    def rate(self, user, level: Level, comment: str, today: date) -> "Rating":
        """The applicant's rating, once, after closing; a bad one is due for follow-up."""
        if not self.can_rate():
            raise StepRefused(_l("A request is rated once, after it is closed."))
        self.rating = Rating(lab_id=self.lab_id, level=level.value, comment=comment,
                             rated_by_id=user.id, follow_up_due=follow_up_due(level, today))
        db.session.flush()
        record_event(user, "sub_requests", self.id, "rated",
                     after={"level": level.value, "bad_review": is_bad(level)})
        part_rated.send(self, rating=self.rating, user=user)
        return self.rating


def item_loading():
    """What every page showing items needs with them (a fixed number of queries,
    whatever the count)."""
    return (selectinload(RequestItem.service).selectinload(Service.parameters),
            selectinload(RequestItem.results), selectinload(RequestItem.sample),
            selectinload(RequestItem.instrument), selectinload(RequestItem.scale_verification))


def load_whole(request_id: int) -> ServiceRequest:
    """A request with everything its page shows, in a fixed number of queries. The
    parts' item lists are filled from the request's items rather than loaded again."""
    req = db.session.scalars(
        select(ServiceRequest).where(ServiceRequest.id == request_id)
        .options(joinedload(ServiceRequest.applicant), joinedload(ServiceRequest.enterprise),
                 selectinload(ServiceRequest.attachments),
                 selectinload(ServiceRequest.items).options(*item_loading()),
                 selectinload(ServiceRequest.sub_requests).options(
                     joinedload(SubRequest.lab), joinedload(SubRequest.rating),
                     joinedload(SubRequest.assignee)))
        .execution_options(populate_existing=True)).one()
    for sub in req.sub_requests:
        set_committed_value(sub, "items", [i for i in req.items if i.sub_request_id == sub.id])
    return req


class Sample(db.Model):
    """The sample of one item, as received (code printed on its label)."""
    __tablename__ = "samples"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("request_items.id", ondelete="CASCADE"),
                                         unique=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    condition: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    received_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    retain_until: Mapped[date | None] = mapped_column(Date)

    item: Mapped[RequestItem] = relationship(back_populates="sample")
    received_by: Mapped["User"] = relationship()  # noqa: F821


class Result(db.Model):
    """One parameter's result on one item."""
    __tablename__ = "results"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("request_items.id", ondelete="CASCADE"),
                                         index=True)
    parameter_id: Mapped[int] = mapped_column(ForeignKey("service_parameters.id"))
    value: Mapped[Decimal | None] = mapped_column(Numeric(18, 6))
    text_value: Mapped[str] = mapped_column(String(200), default="")
    uncertainty: Mapped[Decimal | None] = mapped_column(Numeric(18, 6))  # expanded, k=2
    # Calibration: the reference standard's value; the error is value − reference.
    reference_value: Mapped[Decimal | None] = mapped_column(Numeric(18, 6))
    # The result as the lab wrote it: its form (a number, "< 5", ND, 3.2–4.1, grade
    # 3-4, words), the interval's high end, and the text the report prints.
    form: Mapped[ResultForm] = enum_column(ResultForm, default=ResultForm.number)
    high_value: Mapped[Decimal | None] = mapped_column(Numeric(18, 6))
    written: Mapped[str] = mapped_column(String(60), default="")
    verdict: Mapped[Verdict] = enum_column(Verdict, default=Verdict.not_applicable)
    entered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    entered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    item: Mapped[RequestItem] = relationship(back_populates="results")
    parameter: Mapped["ServiceParameter"] = relationship()  # noqa: F821

    __table_args__ = (UniqueConstraint("item_id", "parameter_id",
                                       name="uq_results_item_parameter"),)

    @property
    def as_written(self) -> str:
        """The result as the lab wrote it (12.50, < 0.01, ND, 3.2–4.1, grade 3-4, words)."""
        if self.written:
            return self.written
        return plain(self.value) if self.value is not None else self.text_value

    @property
    def shows_unit(self) -> bool:
        """A quantity is printed with its unit; ND and words are not."""
        return self.form not in (ResultForm.not_detected, ResultForm.text) and bool(
            self.as_written)

    @property
    def error(self) -> Decimal | None:
        """A calibration point's error, measured − reference, for a measured number."""
        if self.form != ResultForm.number or None in (self.value, self.reference_value):
            return None
        return self.value - self.reference_value


class Attachment(db.Model):
    """A file the applicant sent with the request, stored outside static/."""
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_requests.id", ondelete="CASCADE"),
                                            index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(String(64))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    request: Mapped[ServiceRequest] = relationship(back_populates="attachments")

    @property
    def key(self) -> str:
        return upload_key(self.stored_name)


TO_FOLLOW_UP = "follow_up_due IS NOT NULL AND followed_up_at IS NULL"


class Rating(db.Model):
    """The applicant's satisfaction with one lab's part (好差评, five levels)."""
    __tablename__ = "ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    sub_request_id: Mapped[int] = mapped_column(ForeignKey("sub_requests.id", ondelete="CASCADE"),
                                                unique=True)
    lab_id: Mapped[int] = mapped_column(ForeignKey("labs.id"), index=True)
    level: Mapped[int] = mapped_column()  # 5 very satisfied ... 1 very dissatisfied
    comment: Mapped[str] = mapped_column(Text, default="")
    rated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 index=True)
    follow_up_due: Mapped[date | None] = mapped_column(Date)
    follow_up_note: Mapped[str] = mapped_column(Text, default="")
    followed_up_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    # My tasks and the ratings page: a lab's bad reviews still to follow up (a handful,
    # however many reviews the lab has had).
    __table_args__ = (Index("ix_ratings_to_follow_up", "lab_id", "follow_up_due",
                            sqlite_where=text(TO_FOLLOW_UP), postgresql_where=text(TO_FOLLOW_UP)),)

    sub_request: Mapped[SubRequest] = relationship(back_populates="rating")

    def follow_up(self, user, note: str) -> None:
        """The lab's follow-up of a bad review, once."""
        if self.follow_up_due is None or self.followed_up_at is not None:
            raise StepRefused(_l("This review was followed up already."))
        self.follow_up_note, self.followed_up_at = note, utcnow()
        record_event(user, "ratings", self.id, "followed_up", after={"note": note})
