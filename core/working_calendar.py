"""The days the desk or a lab is closed, and each lab's working calendar read from
them. Every area counts working days on it (deadlines, routing, drop-off slots);
the rules themselves are plain Python in core/workdays.py."""
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from core.models import enum_column
from core.roles import Role
from core.workdays import WorkCalendar
from extensions import db


class DayKind(StrEnum):
    holiday = "holiday"      # public holiday (lab_id empty) or the lab's closure
    workday = "workday"      # a make-up working day (调休) on a weekend


class CalendarDay(db.Model):
    """A day off or a make-up working day: the desk's public calendar (no lab) or one
    lab's own closures."""
    __tablename__ = "calendar_days"
    __table_args__ = (UniqueConstraint("lab_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lab_id: Mapped[int | None] = mapped_column(ForeignKey("labs.id"), index=True)
    day: Mapped[datetime] = mapped_column(Date, index=True)
    kind: Mapped[DayKind] = enum_column(DayKind)
    name: Mapped[str] = mapped_column(String(100), default="")

    def allows(self, user, action: str = "view") -> bool:
        """The desk's calendar is the administrators'; a lab's closures its managers'."""
        if not user.is_authenticated:
            return False
        if self.lab_id is None:
            return user.role == Role.admin or action == "view"
        return user.role == Role.lab_manager and user.lab_id == self.lab_id


def lab_calendars(lab_ids, weekdays: str = "01234") -> dict[int, WorkCalendar]:
    """Each lab's working calendar: the desk's public holidays and make-up working
    days (调休), with the lab's own closures on top (one query for them all)."""
    lab_ids = set(lab_ids)
    rows = db.session.execute(select(CalendarDay.lab_id, CalendarDay.day, CalendarDay.kind)
                              .where((CalendarDay.lab_id.is_(None))
                                     | (CalendarDay.lab_id.in_(lab_ids)))).all() \
        if lab_ids else []
    holidays = frozenset(d for lab, d, k in rows if k == DayKind.holiday and lab is None)
    workdays = frozenset(d for lab, d, k in rows if k == DayKind.workday and lab is None)
    weekend = frozenset(range(7)) - {int(c) for c in weekdays}
    return {lab_id: WorkCalendar(
        holidays=holidays, weekend=weekend,
        closures=frozenset(d for lab, d, k in rows if lab == lab_id and k == DayKind.holiday),
        workdays=workdays | frozenset(d for lab, d, k in rows
                                      if lab == lab_id and k == DayKind.workday))
        for lab_id in lab_ids}


def lab_calendar(lab_id: int, weekdays: str = "01234") -> WorkCalendar:
    return lab_calendars([lab_id], weekdays)[lab_id]


def desk_calendar() -> WorkCalendar:
    """The desk's own calendar: public holidays and make-up working days, no lab's
    closures (what the quality clinic's response times count on)."""
    rows = db.session.execute(select(CalendarDay.day, CalendarDay.kind)
                              .where(CalendarDay.lab_id.is_(None))).all()
    return WorkCalendar(holidays=frozenset(d for d, k in rows if k == DayKind.holiday),
                        workdays=frozenset(d for d, k in rows if k == DayKind.workday))
