"""The defined scales a parameter's results may be graded on (a parameter's
grade_scale names one): grey-scale grades, blue-wool grades, safety classes.

Plain Python: read by the result reader, the catalogue and the report alike."""
import re
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class GradeScale:
    """A scale of grades or classes, lowest first: the i-th (from 1) has the value i,
    so limits on it are numbers ("≥ 3"; "≥ 2" is at least class B). With half grades,
    "3-4" (or "3/4") lies strictly between two neighbours."""
    grades: tuple[str, ...]
    halves: bool = False
    suffix: str = ""   # what a class is written with ("B类"); typed with or without it

    def read(self, text: str) -> tuple[Decimal, Decimal, str] | None:
        """(low, high, as written) of a grade typed in plain text; None when it is not
        on the scale. A whole grade has low == high."""
        word = text.upper().removesuffix(self.suffix.upper()).strip()
        if word in self.grades:
            value = Decimal(self.grades.index(word) + 1)
            return value, value, word + self.suffix
        m = re.fullmatch(r"(\w+)\s*[-/]\s*(\w+)", word) if self.halves else None
        if m and m.group(1) in self.grades and m.group(2) in self.grades:
            low, high = self.grades.index(m.group(1)) + 1, self.grades.index(m.group(2)) + 1
            if high == low + 1:
                return Decimal(low), Decimal(high), f"{m.group(1)}-{m.group(2)}"
        return None

    def name_of(self, value: Decimal | None) -> str:
        """A limit's value as the scale names it (2 is "B类" on the class scale)."""
        if value is None:
            return ""
        if value != value.to_integral() or not 1 <= value <= len(self.grades):
            return str(value)
        return self.grades[int(value) - 1] + self.suffix

    def summary(self) -> str:
        """The scale in a few words, for messages: "1, 1-2 … 4-5, 5" or "C类, B类, A类"."""
        first, last = self.grades[0], self.grades[-1]
        if self.halves:
            return f"{first}, {first}-{self.grades[1]} … {self.grades[-2]}-{last}, {last}"
        return ", ".join(g + self.suffix for g in self.grades)

    @property
    def is_classes(self) -> bool:
        return not self.grades[0].isdigit()


# Grey scale for colour fastness (GB/T 250, GB/T 251; ISO 105-A02, -A03), and the
# pilling grades rated against photographs on the same steps (GB/T 4802.1): 1 to 5
# with half grades.
GREY_SCALE = GradeScale(tuple("12345"), halves=True)
# Blue wool references for colour fastness to light (GB/T 8427, ISO 105-B02): 1 to 8.
BLUE_WOOL = GradeScale(tuple("12345678"), halves=True)
# GB 18401 safety classes of textiles, lowest first: C (no skin contact), B (skin
# contact), A (infants). "At least B" is the limit ≥ 2.
TEXTILE_SAFETY_CLASS = GradeScale(("C", "B", "A"), suffix="类")
GRADE_SCALES = {"grey": GREY_SCALE, "blue_wool": BLUE_WOOL, "gb18401": TEXTILE_SAFETY_CLASS}
