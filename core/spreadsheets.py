"""What every export to a spreadsheet guards against: text that a spreadsheet would
run as a formula when it opens the file (CSV injection)."""

# What a spreadsheet reads as the start of a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert(cell: object) -> object:
    """Text a spreadsheet would run as a formula, made inert with a leading "'"."""
    if isinstance(cell, str) and cell.startswith(FORMULA_START):
        return "'" + cell
    return cell
