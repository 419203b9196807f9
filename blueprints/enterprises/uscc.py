"""Unified Social Credit Code (GB 32100-2015), as plain Python.

A code is 18 characters: position 1 the registration authority, 2 the
organisation type, 3-8 the administrative division (GB/T 2260), 9-17 the
organisation code (GB 11714) and 18 a mod-31 check character.
"""
from core.typed import folded

# GB 32100-2015 4.1: the code alphabet, valued 0-30 in this order. I, O, Z, S
# and V are left out so they cannot be mistaken for 1, 0, 2, 5 and U.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
EXCLUDED_LETTERS = frozenset("IOZSV")
VALUES = {ch: i for i, ch in enumerate(ALPHABET)}
# GB 32100-2015 5.2: weight of position i is 3^(i-1) mod 31.
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))

# GB 32100-2015 Annex A: registration authority + organisation type pairs.
AUTHORITY_TYPES = frozenset(
    "11 12 13 19 21 29 31 32 33 34 35 39 41 49 51 52 53 59 61 62 69 "
    "71 72 79 81 89 91 92 93 A1 A9 N1 N2 N3 N9 Y1".split())


class UsccError(ValueError):
    """Why a code was refused. `reason` is one of: empty, length, excluded_letter,
    bad_character, authority_type, division, checksum; `detail` is the offending
    part (a character, the length, the prefix)."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


def normalise(raw: str) -> str:
    """Strip spaces and hyphens and upper-case, as people type codes in groups (DOMAIN.md),
    after folding full-width letters and digits from a Chinese input method."""
    return "".join(ch for ch in folded(raw) if ch not in " -\t").upper()


def check_character(first17: str) -> str:
    """The check character for the first 17 characters (GB 32100-2015 5.2):
    C18 = ALPHABET[(31 - sum(value * weight) mod 31) mod 31]."""
    total = sum(VALUES[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def validate(raw: str) -> str:
    """Return the normalised code, or raise UsccError saying what is wrong.

    Checks in the order a person would fix them: length, alphabet, the
    authority/type pair, the division digits, and last the check character.
    """
    code = normalise(raw)
    if not code:
        raise UsccError("empty")
    for ch in code:
        if ch in EXCLUDED_LETTERS:
            raise UsccError("excluded_letter", ch)
        if ch not in VALUES:
            raise UsccError("bad_character", ch)
    if len(code) != 18:
        raise UsccError("length", str(len(code)))
    if code[:2] not in AUTHORITY_TYPES:
        raise UsccError("authority_type", code[:2])
    if not code[2:8].isdigit():
        raise UsccError("division", code[2:8])
    if check_character(code[:17]) != code[17]:
        raise UsccError("checksum", code[17])
    return code


def parts(code: str) -> dict[str, str]:
    """The code's parts as GB 32100 reads them, for the one who checks it against the
    national enterprise credit information system."""
    return {"authority_type": code[:2], "division": code[2:8], "organisation": code[8:17],
            "check": code[17:18]}


def problem(code: str) -> UsccError | None:
    """What is wrong with a stored code (one accepted by override fails its check
    character), or None."""
    try:
        validate(code)
    except UsccError as err:
        return err
    return None
