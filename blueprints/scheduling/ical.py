"""Bookings and due dates as iCalendar (RFC 5545), for a booking's download and the
private feeds that calendar apps subscribe to. Plain values in, bytes out."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from icalendar import Calendar, Event

from core.timeutil import utcnow


@dataclass(frozen=True)
class Entry:
    uid: str                      # stable: an app updates the event instead of adding one
    summary: str
    start: datetime | date        # a date is an all-day event (a due date)
    end: datetime | date | None = None
    location: str = ""
    description: str = ""
    url: str = ""


def calendar(name: str, entries: list[Entry]) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//QI Desk//qidesk//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    stamp = utcnow()
    for entry in entries:
        event = Event()
        event.add("uid", entry.uid)
        event.add("dtstamp", stamp)
        event.add("summary", entry.summary)
        event.add("dtstart", entry.start)
        end = entry.end or (entry.start + timedelta(days=1) if not isinstance(entry.start,
                                                                              datetime)
                            else entry.start + timedelta(minutes=30))
        event.add("dtend", end)
        if entry.location:
            event.add("location", entry.location)
        if entry.description:
            event.add("description", entry.description)
        if entry.url:
            event.add("url", entry.url)
        cal.add_component(event)
    return cal.to_ical()
