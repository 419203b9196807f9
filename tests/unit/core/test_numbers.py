from decimal import Decimal

from core.numbers import money, plain


def test_plain_numbers_have_no_exponent_or_trailing_zeros():
    assert plain(Decimal("20.000000")) == "20"
    assert plain(Decimal("2E+1")) == "20"
    assert plain(Decimal("0.025000")) == "0.025"
    assert plain(Decimal("8.5")) == "8.5"
    assert plain(None) == ""


def test_money_is_yuan_from_integer_cents():
    assert money(18050) == "¥180.50"
    assert money(0) == "¥0.00"
    assert money(123456789) == "¥1,234,567.89"
