"""Whether a case-library article still tells whose case it was: the enterprise's name
or the core of it (its 字号), its credit code, the people named on it, a phone number
or an e-mail address, an exact amount of money, or one of the case's own recorded
figures. Plain Python: the caller passes what identifies the enterprise.

A Chinese company name reads 行政区划 + 字号 + 行业 + 组织形式 (晋江市 + 鸿鹄 + 鞋服 +
有限公司); the 字号 alone names the firm to anyone of its chain, so it is refused too.
Standard numbers (GB/T 3920-2008) are figures anyone may cite and are left alone."""
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from blueprints.standards.references import PREFIXES
from core.typed import folded

# A region's name with its suffix (晋江市, 福建省), or one of the names firms often
# carry bare (泉州鸿鹄鞋业, 福建鸿星尔克): the provinces and this part of Fujian.
BARE_REGIONS = ("黑龙江", "内蒙古", "福建", "广东", "浙江", "江苏", "上海", "北京", "天津",
                "重庆", "山东", "河北", "河南", "湖北", "湖南", "江西", "安徽", "四川", "云南",
                "贵州", "广西", "海南", "辽宁", "吉林", "山西", "陕西", "甘肃", "青海", "宁夏",
                "新疆", "西藏", "中国", "泉州", "晋江", "石狮", "南安", "惠安", "安溪", "永春",
                "德化", "厦门", "福州", "莆田", "漳州", "龙岩", "三明", "南平", "宁德", "深圳",
                "广州", "东莞", "佛山", "温州", "宁波", "杭州")
REGIONS = re.compile(r"^(?:[\u4e00-\u9fff]{2,3}(?:省|自治区|市|县|区|镇)|"
                     + "|".join(BARE_REGIONS) + ")+")
FORMS = re.compile(r"(?:股份有限公司|有限责任公司|有限公司|集团|公司|厂|商行|经营部|工作室)+$")
TRADES = ("鞋服", "鞋业", "服饰", "服装", "纺织", "织造", "食品", "陶瓷", "建材", "机械",
          "智能", "科技", "电子", "实业", "贸易", "制衣", "卫浴", "体育用品", "用品", "制品")
NUMBER = r"\d(?:[\d,，.]*\d)?"
PHONE = re.compile(r"(?<!\d)(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?!\d)")
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
MONEY = re.compile(rf"(?:[¥￥]\s*{NUMBER})|(?:{NUMBER}\s*(?:万元|元|万|yuan|RMB|CNY))",
                   re.IGNORECASE)
# A cited standard: its prefix as a word of its own, then the number's ASCII tail.
CITED = re.compile(r"(?<![A-Za-z])(?:" + "|".join(re.escape(p) for p in PREFIXES) +
                   r")(?![A-Za-z])\s*[A-Za-z0-9.\-/:]*\d[A-Za-z0-9.\-/:]*", re.IGNORECASE)


@dataclass(frozen=True)
class Identity:
    """What names the enterprise of a case: its name, credit code, people (legal
    representative, contacts), and figures recorded on the case (losses, defect
    rates, money saved) as typed."""
    name: str
    uscc: str = ""
    people: tuple[str, ...] = ()
    figures: tuple[str, ...] = ()


@dataclass(frozen=True)
class Giveaway:
    """One piece of the text that identifies the enterprise: what kind and the words."""
    kind: str          # "name", "uscc", "person", "phone", "email", "money", "figure"
    text: str


def trade_name(name: str) -> str:
    """The 字号 of a Chinese company name: without region, trade and legal form
    ("晋江市鸿鹄鞋服有限公司" -> "鸿鹄"); the name itself when it has none of them."""
    core = FORMS.sub("", REGIONS.sub("", name.strip()))
    for trade in TRADES:
        if core.endswith(trade) and len(core) > len(trade) + 1:
            core = core[: -len(trade)]
            break
    return core or name.strip()


def _figure_forms(figure: str) -> set[str]:
    """A recorded figure as it may be written: as typed, and without trailing zeros
    ("12.50" is also "12.5"; "3000.00" is also "3000")."""
    forms = {figure}
    try:
        number = Decimal(figure)
    except ArithmeticError:
        return forms
    if number.is_finite():
        forms.add(format(number.normalize(), "f"))
    return {f for f in forms if len(f.replace(".", "").lstrip("0")) >= 2}


def giveaways(text: str, identity: Identity) -> list[Giveaway]:
    """Every piece of `text` that tells whose case it is, in the order found. Text is
    read folded (full-width digits and letters as ASCII), so "１３９..." is a phone."""
    text = folded(text)
    found: list[Giveaway] = []
    seen = set()

    def add(kind: str, words: str) -> None:
        if (kind, words) not in seen:
            seen.add((kind, words))
            found.append(Giveaway(kind, words))

    names = {identity.name.strip(), trade_name(identity.name)}
    for name in sorted((n for n in names if len(n) >= 2), key=len, reverse=True):
        if name in text:
            add("name", name)
    if identity.uscc and identity.uscc.upper() in text.upper():
        add("uscc", identity.uscc)
    for person in identity.people:
        if person and len(person.strip()) >= 2 and person.strip() in text:
            add("person", person.strip())
    for kind, pattern in (("phone", PHONE), ("email", EMAIL), ("money", MONEY)):
        for match in pattern.finditer(text):
            add(kind, match.group().strip())
    # Figures are looked for outside cited standards: "GB 18401" is no one's secret.
    uncited = CITED.sub(" ", text)
    for figure in _figures(identity.figures):
        # Written with more zeros is the same figure: 12.5 as 12.50, 3000 as 3000.00.
        zeros = "0*" if "." in figure else r"(?:\.0+)?"
        if re.search(rf"(?<![\d.]){re.escape(figure)}{zeros}(?![\d])", uncited):
            add("figure", figure)
    return found


def _figures(figures: Iterable[str]) -> list[str]:
    forms = set()
    for figure in figures:
        if figure:
            forms |= _figure_forms(str(figure).strip())
    return sorted(forms, key=len, reverse=True)
