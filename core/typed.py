"""What people type with a Chinese input method, folded to the plain forms the desk
validates: full-width letters, digits, signs and spaces (ＧＢ／Ｔ　３９２０, １３８００１３８０００,
９１５１２０８１ＭＡ６２Ｋ０２６０Ｅ) as their ASCII forms (Unicode NFKC), and the dashes,
minus signs and tildes people use between digits as "-" and "~".

Only for codes and numbers: names and free text keep their full-width punctuation."""
import unicodedata

# Signs NFKC leaves alone (or maps to something else) that people type for "-", "~".
DASHES = str.maketrans({"—": "-", "–": "-", "−": "-", "‐": "-", "‑": "-", "〜": "~",
                        "～": "~", "。": "."})


def folded(raw: str | None) -> str:
    """The text in plain ASCII forms where it has them, spaces folded, ends stripped."""
    text = unicodedata.normalize("NFKC", raw or "").translate(DASHES)
    return " ".join(text.split())
