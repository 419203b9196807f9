"""GB 32100-2015 rules, with no app."""
import pytest

from blueprints.enterprises import uscc

# Worked example from DOMAIN.md: S = 1505, 1505 mod 31 = 17, 31 - 17 = 14 -> "E".
WORKED = "91512081MA62K0260E"


def test_weights_are_powers_of_three_mod_31():
    assert uscc.WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def test_alphabet_leaves_out_i_o_z_s_v():
    assert len(uscc.ALPHABET) == 31
    assert not set("IOZSV") & set(uscc.ALPHABET)


def test_worked_example_checksum():
    body = WORKED[:17]
    total = sum(uscc.VALUES[c] * w for c, w in zip(body, uscc.WEIGHTS, strict=True))
    assert total == 1505
    assert uscc.check_character(body) == "E"
    assert uscc.validate(WORKED) == WORKED


@pytest.mark.parametrize("code", [
    WORKED,
    "91350100M000100Y43",   # 91 enterprise, Fuzhou
    "91110000600037341L",   # a Beijing enterprise
    "92350582MA2Y0AAA7R",   # 92 individual business
])
def test_valid_codes(code):
    assert uscc.validate(code) == code


@pytest.mark.parametrize("typed", [
    "91512081ma62k0260e",
    " 9151 2081 MA62 K026 0E ",
    "91512081-MA62K026-0E",
])
def test_normalises_case_spaces_and_hyphens(typed):
    assert uscc.validate(typed) == WORKED


def test_wrong_check_character():
    with pytest.raises(uscc.UsccError) as err:
        uscc.validate(WORKED[:17] + "F")
    assert err.value.reason == "checksum"


def test_a_single_typo_in_the_body_is_caught():
    typo = WORKED[:5] + "9" + WORKED[6:]
    with pytest.raises(uscc.UsccError) as err:
        uscc.validate(typo)
    assert err.value.reason == "checksum"


@pytest.mark.parametrize("letter", list("IOZSV"))
def test_excluded_letters(letter):
    code = WORKED[:10] + letter + WORKED[11:]
    with pytest.raises(uscc.UsccError) as err:
        uscc.validate(code)
    assert (err.value.reason, err.value.detail) == ("excluded_letter", letter)


@pytest.mark.parametrize("code,length", [(WORKED[:17], "17"), (WORKED + "0", "19"), ("9151", "4")])
def test_wrong_length(code, length):
    with pytest.raises(uscc.UsccError) as err:
        uscc.validate(code)
    assert (err.value.reason, err.value.detail) == ("length", length)


def test_empty():
    with pytest.raises(uscc.UsccError) as err:
        uscc.validate("   ")
    assert err.value.reason == "empty"


def test_punctuation_is_not_a_code_character():
    with pytest.raises(uscc.UsccError) as err:
        uscc.validate("91512081MA62K026#E")
    assert (err.value.reason, err.value.detail) == ("bad_character", "#")


def test_unknown_authority_and_type():
    body = "94512081MA62K0260"
    with pytest.raises(uscc.UsccError) as err:
        uscc.validate(body + uscc.check_character(body))
    assert (err.value.reason, err.value.detail) == ("authority_type", "94")


def test_division_must_be_digits():
    body = "9151A081MA62K0260"
    with pytest.raises(uscc.UsccError) as err:
        uscc.validate(body + uscc.check_character(body))
    assert err.value.reason == "division"


def test_check_character_can_be_zero():
    # (31 - S mod 31) mod 31 = 0 when S is a multiple of 31: the outer mod matters.
    for n in range(10000):
        body = f"91350582{n:09d}"
        if uscc.check_character(body) == "0":
            assert uscc.validate(body + "0")
            break
    else:
        pytest.fail("no body with check character 0 found")
