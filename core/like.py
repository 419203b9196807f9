"""Search terms in LIKE patterns: bounded in length (SQLite refuses a pattern that is
too complex) and matched as typed, so %, _ and \\ are letters, not wildcards."""
MAX_TERM = 100
ESCAPE = "\\"


def contains(term: str) -> str:
    """The pattern for "contains `term`", to use with .ilike(pattern, escape=ESCAPE)."""
    term = (term or "").strip()[:MAX_TERM]
    for special in (ESCAPE, "%", "_"):
        term = term.replace(special, ESCAPE + special)
    return f"%{term}%"
