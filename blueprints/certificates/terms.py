"""How long a certificate is good for (plain Python)."""
from datetime import date, timedelta


def valid_until(issued: date) -> date:
    """Trade scales are verified yearly (JJG 539): valid to the day before the
    anniversary of issue (an issue on 29 February runs to 28 February)."""
    try:
        anniversary = issued.replace(year=issued.year + 1)
    except ValueError:
        anniversary = date(issued.year + 1, 3, 1)
    return anniversary - timedelta(days=1)
