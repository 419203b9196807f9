"""How numbers are written for people."""
from decimal import Decimal


def plain(value) -> str:
    """A Decimal as people write it: 20, 0.5, 0.025 (no exponent, no trailing zeros)."""
    if value is None:
        return ""
    return f"{Decimal(value).normalize():f}"


def money(cents: int | None) -> str:
    """Integer cents as yuan: 18050 -> ¥180.50."""
    if cents is None:
        return ""
    return f"¥{cents // 100:,}.{cents % 100:02d}"
