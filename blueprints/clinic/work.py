"""What the experts do on a case: visits (on site or remote, booked so that no expert
is in two places at once), findings with their cause, corrective actions with an
owner, a due date and evidence, and the time each expert logs. Each change writes an
audit event on the case."""
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Date, DateTime, ForeignKey, Index, String, Text, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from blueprints.auth.models import User
from blueprints.clinic.kinds import (
    ActionOwner,
    ActionState,
    Activity,
    AssignmentState,
    Cause,
    VisitMode,
    VisitState,
)
from blueprints.clinic.models import ClinicCase, Expert, expert_of, log_case
from blueprints.service_requests.lifecycle import StepRefused
from core.i18n import lazy_gettext as _l
from core.models import VersionedMixin, enum_column
from core.timeutil import to_local, utcnow
from extensions import db

LONGEST_VISIT = timedelta(hours=12)
LONGEST_DAY = 24 * 60   # minutes an expert can log for one day


def working_expert(case: ClinicCase, user) -> Expert:
    """The user as an expert at work on the case (dispatched and accepted); refused
    otherwise, and when the case is not being worked."""
    expert = expert_of(user)
    assignment = case.live_assignment(expert.id) if expert else None
    if assignment is None or assignment.state != AssignmentState.accepted:
        raise StepRefused(_l("Accept the case before working on it."))
    if not case.is_working:
        raise StepRefused(_l("The case is not being worked on now."))
    return expert


class CaseVisit(VersionedMixin, db.Model):
    """A visit to the enterprise (on site) or a call (remote), attended by every
    expert at work on the case."""
    __tablename__ = "clinic_visits"
    __table_args__ = (Index("ix_clinic_visits_case", "case_id", "starts_at"),
                      Index("ix_clinic_visits_starts", "state", "starts_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("clinic_cases.id", ondelete="CASCADE"))
    mode: Mapped[VisitMode] = enum_column(VisitMode)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    place: Mapped[str] = mapped_column(String(300), default="")   # address or meeting link
    agenda: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[VisitState] = enum_column(VisitState, default=VisitState.booked)
    # The experts who attend (their ids, fixed when booked: a group may grow later).
    expert_ids: Mapped[str] = mapped_column(String(200), default="")
    booked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    cancel_reason: Mapped[str] = mapped_column(Text, default="")

    case: Mapped[ClinicCase] = relationship()

    @property
    def is_live(self) -> bool:
        return self.state == VisitState.booked

    @property
    def attendees(self) -> list[int]:
        return [int(i) for i in self.expert_ids.split(",") if i]

    @classmethod
    def book(cls, case: ClinicCase, user, mode: VisitMode, starts_at: datetime,
             ends_at: datetime, place: str, agenda: str, now: datetime | None = None
             ) -> "CaseVisit":
        """Book a visit for the experts at work on the case. Refused in the past, when
        it ends before it starts or runs over 12 hours, without a place for an on-site
        visit, and when one of the experts has another visit at that time (their
        rows are locked first, so two bookings cannot both pass the check)."""
        working_expert(case, user)
        now = now or utcnow()
        # Stored in UTC: SQLite keeps no zone and the desk reads zone-less times as UTC.
        starts_at, ends_at = starts_at.astimezone(UTC), ends_at.astimezone(UTC)
        if to_local(starts_at) <= to_local(now):
            raise StepRefused(_l("Choose a time that has not passed."))
        if ends_at <= starts_at or ends_at - starts_at > LONGEST_VISIT:
            raise StepRefused(_l("A visit ends after it starts, on the same day, within "
                                 "12 hours."))
        if mode == VisitMode.onsite and not place:
            raise StepRefused(_l("Give the address of an on-site visit."))
        experts = [a.expert_id for a in case.accepted_experts()]
        db.session.scalars(select(Expert.id).where(Expert.id.in_(experts)).with_for_update()
                           ).all()
        clash = _clash(experts, starts_at, ends_at)
        if clash is not None:
            raise StepRefused(_l("%(name)s has another visit from %(start)s to %(end)s.",
                                 name=clash[0], start=to_local(clash[1]).strftime("%H:%M"),
                                 end=to_local(clash[2]).strftime("%H:%M")))
        visit = cls(case_id=case.id, mode=mode, starts_at=starts_at, ends_at=ends_at,
                    place=place, agenda=agenda, booked_by_id=user.id,
                    expert_ids=",".join(str(e) for e in sorted(experts)))
        db.session.add(visit)
        db.session.flush()
        log_case(user, case.id, "visit_booked",
                     after={"visit": visit.id, "mode": mode.value,
                            "starts_at": to_local(starts_at).isoformat(timespec="minutes")})
        return visit

    def cancel(self, user, reason: str) -> None:
        if not self.is_live:
            raise StepRefused(_l("This visit was cancelled already."))
        self.state, self.cancel_reason = VisitState.cancelled, reason
        log_case(user, self.case_id, "visit_cancelled",
                     after={"visit": self.id}, reason=reason)


def _clash(expert_ids: list[int], starts_at: datetime, ends_at: datetime):
    """(expert's name, start, end) of a live visit of one of the experts that overlaps
    the time, or None. Attendees are kept as text; the few live visits of a day are
    read and checked here."""
    rows = db.session.execute(
        select(CaseVisit.expert_ids, CaseVisit.starts_at, CaseVisit.ends_at)
        .where(CaseVisit.state == VisitState.booked, CaseVisit.starts_at < ends_at,
               CaseVisit.ends_at > starts_at)).all()
    for attendees, start, end in rows:
        common = set(expert_ids) & {int(i) for i in attendees.split(",") if i}
        if common:
            name = db.session.scalar(select(User.name).join(Expert, Expert.user_id == User.id)
                                     .where(Expert.id == min(common)))
            return name, start, end
    return None


class CaseFinding(db.Model):
    """What the expert found, by its cause (人机料法环测)."""
    __tablename__ = "clinic_findings"
    __table_args__ = (Index("ix_clinic_findings_case", "case_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("clinic_cases.id", ondelete="CASCADE"))
    cause: Mapped[Cause] = enum_column(Cause)
    description: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    recorded_by: Mapped[User] = relationship()

    @classmethod
    def record(cls, case: ClinicCase, user, cause: Cause, description: str) -> "CaseFinding":
        working_expert(case, user)
        finding = cls(case_id=case.id, cause=cause, description=description,
                      recorded_by_id=user.id)
        db.session.add(finding)
        db.session.flush()
        log_case(user, case.id, "finding_recorded",
                     after={"finding": finding.id, "cause": cause.value}, reason=description)
        return finding


class CorrectiveAction(VersionedMixin, db.Model):
    """A corrective action: what is to be done, by whom, by when, and the evidence
    that it was."""
    __tablename__ = "clinic_actions"
    __table_args__ = (Index("ix_clinic_actions_case", "case_id", "id"),
                      Index("ix_clinic_actions_due", "state", "due_on"))

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("clinic_cases.id", ondelete="CASCADE"))
    finding_id: Mapped[int | None] = mapped_column(ForeignKey("clinic_findings.id"))
    description: Mapped[str] = mapped_column(Text)
    owner_side: Mapped[ActionOwner] = enum_column(ActionOwner)
    owner: Mapped[str] = mapped_column(String(100))              # the person, by name
    due_on: Mapped[date] = mapped_column(Date)
    state: Mapped[ActionState] = enum_column(ActionState, default=ActionState.open)
    evidence: Mapped[str] = mapped_column(Text, default="")
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    finding: Mapped[CaseFinding | None] = relationship()

    @property
    def is_open(self) -> bool:
        return self.state == ActionState.open

    def is_overdue(self, today: date) -> bool:
        return self.is_open and self.due_on < today

    @classmethod
    def plan(cls, case: ClinicCase, user, description: str, owner_side: ActionOwner,
             owner: str, due_on: date, today: date, finding_id: int | None = None
             ) -> "CorrectiveAction":
        """The expert plans an action; its finding, when named, is one of this case's."""
        working_expert(case, user)
        if due_on < today:
            raise StepRefused(_l("Choose a due date from today on."))
        if finding_id is not None and db.session.scalar(select(CaseFinding.id).where(
                CaseFinding.id == finding_id, CaseFinding.case_id == case.id)) is None:
            raise StepRefused(_l("Choose one of this case's findings."))
        action = cls(case_id=case.id, description=description, owner_side=owner_side,
                     owner=owner, due_on=due_on, finding_id=finding_id,
                     created_by_id=user.id)
        db.session.add(action)
        db.session.flush()
        log_case(user, case.id, "action_planned",
                     after={"action": action.id, "owner": owner,
                            "due_on": due_on.isoformat()}, reason=description)
        return action

    def complete(self, user, evidence: str) -> None:
        """Done, with the evidence (what was changed, a record, a photo's name)."""
        if not self.is_open:
            raise StepRefused(_l("This action is done already."))
        if not evidence:
            raise StepRefused(_l("Say what shows the action is done."))
        self.state, self.evidence = ActionState.done, evidence
        self.done_at, self.done_by_id = utcnow(), user.id
        log_case(user, self.case_id, "action_done",
                     after={"action": self.id}, reason=evidence)


class TimeEntry(db.Model):
    """Time an expert spent on a case, by activity."""
    __tablename__ = "clinic_time"
    __table_args__ = (Index("ix_clinic_time_case", "case_id", "id"),
                      Index("ix_clinic_time_expert", "expert_id", "day"))

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("clinic_cases.id", ondelete="CASCADE"))
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id"))
    activity: Mapped[Activity] = enum_column(Activity)
    day: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column()
    note: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    expert: Mapped[Expert] = relationship()

    @classmethod
    def log(cls, case: ClinicCase, user, activity: Activity, day: date, minutes: int,
            note: str, today: date) -> "TimeEntry":
        """Log the expert's own time; not for a day to come, and no more than a day's
        worth for one day (with what they logged on the case before)."""
        expert = working_expert(case, user)
        if day > today:
            raise StepRefused(_l("Time is logged for today or a day before."))
        logged = db.session.scalar(select(func.coalesce(func.sum(cls.minutes), 0)).where(
            cls.expert_id == expert.id, cls.day == day))
        if minutes <= 0 or logged + minutes > LONGEST_DAY:
            raise StepRefused(_l("A day holds at most 24 hours: %(logged)s minutes are "
                                 "logged for it already.", logged=logged))
        entry = cls(case_id=case.id, expert_id=expert.id, activity=activity, day=day,
                    minutes=minutes, note=note)
        db.session.add(entry)
        db.session.flush()
        log_case(user, case.id, "time_logged",
                     after={"entry": entry.id, "activity": activity.value,
                            "minutes": minutes, "day": day.isoformat()})
        return entry

