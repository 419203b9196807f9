"""Requests: what the applicant asked for (ServiceRequest, with its items and
attachments) and each lab's part of it (SubRequest), which runs the lifecycle."""
from datetime import date, datetime
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
    select,
)
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from blueprints.audit.models import record_event
from blueprints.auth.roles import LAB_ROLES, Role
from blueprints.catalogue.models import Service
from blueprints.service_requests.lifecycle import RESULTS_VISIBLE, Action, State, transition
from blueprints.service_requests.verdicts import Verdict
from core.models import TimestampMixin, VersionedMixin, enum_column
from core.timeutil import utcnow
from extensions import db


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

    __table_args__ = (Index("ix_service_requests_enterprise_created", "enterprise_id", "id"),
                      Index("ix_service_requests_applicant_created", "applicant_id", "id"))

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


class SubRequest(TimestampMixin, VersionedMixin, db.Model):
    """One lab's part of a request; it runs the lifecycle."""
    __tablename__ = "sub_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_requests.id", ondelete="CASCADE"),
                                            index=True)
    lab_id: Mapped[int] = mapped_column(ForeignKey("labs.id"))
    part: Mapped[int] = mapped_column(default=1)
    state: Mapped[State] = enum_column(State, default=State.submitted)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
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
        # The lab queue: one lab's requests by state and due date.
        Index("ix_sub_requests_lab_state_due", "lab_id", "state", "due_date"),
        Index("ix_sub_requests_lab_due", "lab_id", "due_date", "id"),
        # The deadline alerts: answers due, and due dates, across all labs.
        Index("ix_sub_requests_state_answer_by", "state", "answer_by"),
        Index("ix_sub_requests_state_due", "state", "due_date"),
    )

    @property
    def number(self) -> str:
        return f"{self.request.number}-{self.part}"

    @property
    def results_visible_to_applicant(self) -> bool:
        return self.state in RESULTS_VISIBLE

    @property
    def total_cents(self) -> int:
        return sum(i.line_cents for i in self.items)

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
        record_event(user, "sub_requests", self.id, step.event,
                     before={"state": before.value}, after={"state": step.to.value},
                     reason=reason)
        from blueprints.service_requests.clock import follow_lifecycle
        follow_lifecycle(self, before)
        from blueprints.notifications.events import on_lifecycle  # it imports this module
        on_lifecycle(self, step.event)


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
    verdict: Mapped[Verdict] = enum_column(Verdict, default=Verdict.not_applicable)
    entered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    entered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    item: Mapped[RequestItem] = relationship(back_populates="results")
    parameter: Mapped["ServiceParameter"] = relationship()  # noqa: F821

    __table_args__ = (UniqueConstraint("item_id", "parameter_id",
                                       name="uq_results_item_parameter"),)


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
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    follow_up_due: Mapped[date | None] = mapped_column(Date)
    follow_up_note: Mapped[str] = mapped_column(Text, default="")
    followed_up_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    sub_request: Mapped[SubRequest] = relationship(back_populates="rating")
