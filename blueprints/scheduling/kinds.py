"""The kinds of bookable resource and the states of a booking (plain enums)."""
from enum import StrEnum


class ResourceKind(StrEnum):
    reception = "reception"        # sample drop-off counter: applicants book it
    onsite_team = "onsite_team"    # the lab books its visits
    instrument = "instrument"


class BookingState(StrEnum):
    booked = "booked"
    cancelled = "cancelled"    # given back: its place is free again
    done = "done"              # the samples came in: kept as history
