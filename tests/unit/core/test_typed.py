"""Codes and numbers typed with a Chinese input method are folded to the forms the desk
validates (NFKC), so a full-width credit code or phone number is not refused."""
from decimal import Decimal

import pytest

from blueprints.enterprises.uscc import validate
from blueprints.metrology import readings
from core.typed import folded
from core.validators import normalise_mobile


@pytest.mark.parametrize("typed, plain", [
    ("ＧＢ／Ｔ　３９２０－２００８", "GB/T 3920-2008"),
    ("１２．５", "12.5"), ("－３．２", "-3.2"), ("３．２～４．１", "3.2~4.1"),
    ("3.2—4.1", "3.2-4.1"), ("  ０５９５－８５６６１２３４ ", "0595-85661234"),
    ("", ""), (None, ""),
    ("童装面料（春季）", "童装面料(春季)"),   # NFKC: only for codes and numbers, not names
])
def test_full_width_forms_fold_to_plain_ones(typed, plain):
    assert folded(typed) == plain


@pytest.mark.parametrize("typed", [
    "９１５１２０８１ＭＡ６２Ｋ０２６０Ｅ", "９１５１ ２０８１ ＭＡ６２ Ｋ０２６ ０Ｅ",
    "９１５１２０８１ｍａ６２ｋ０２６０ｅ", "91512081—MA62K0260E",
])
def test_a_credit_code_typed_full_width_is_accepted(typed):
    assert validate(typed) == "91512081MA62K0260E"


@pytest.mark.parametrize("typed", ["１３８００１３８０００", "＋８６ １３８－００１３－８０００",
                                   "138 0013 8000"])
def test_a_mobile_number_typed_full_width_is_read(typed):
    assert normalise_mobile(typed) == "13800138000"


def test_a_scale_reading_typed_full_width_is_read():
    errors = {}
    assert readings._number({"w0-ind": "１５０１０"}, "w0-ind", errors) == Decimal(15010)
    assert readings._number({"w0-add": "２．５"}, "w0-add", errors) == Decimal("2.5")
    assert errors == {}
