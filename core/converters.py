"""URL converters."""
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # the largest value an INTEGER primary key holds on PostgreSQL


class IdConverter(IntegerConverter):
    """<int:...> in our routes: a positive id that fits the database's integer, so
    /labs/0 or /labs/99999999999999999999 is a plain 404, never a database error."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
