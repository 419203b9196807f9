"""The International Classification for Standards (ICS, edition 7): fields, groups and
sub-groups with their English titles (data/ics-ed7.csv) and Chinese titles for the 40
fields and the groups the county's industry chains use. Plain Python."""
import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "ics-ed7.csv"

# The 40 fields as GB/T 15834 and the national standards platform name them, and the
# groups of the county's chains (textiles and footwear, food, ceramics and building
# materials, equipment and electronics, metrology).
TITLES_ZH = {
    "01": "综合、术语学、标准化、文献", "03": "服务、公司（企业）的组织和管理、行政、运输",
    "07": "自然和应用科学", "11": "医药卫生技术", "13": "环保、保健和安全",
    "17": "计量学和测量、物理现象", "19": "试验", "21": "机械系统和通用件",
    "23": "流体系统和通用件", "25": "机械制造", "27": "能源和热传导工程", "29": "电气工程",
    "31": "电子学", "33": "电信、音频和视频工程", "35": "信息技术", "37": "成像技术",
    "39": "精密机械、珠宝", "43": "道路车辆工程", "45": "铁路工程", "47": "造船和海上构筑物",
    "49": "航空器和航天器工程", "53": "材料储运设备", "55": "货物的包装和调运",
    "59": "纺织和皮革技术", "61": "服装工业", "65": "农业", "67": "食品技术", "71": "化工技术",
    "73": "采矿和矿产品", "75": "石油及相关技术", "77": "冶金", "79": "木材技术",
    "81": "玻璃和陶瓷工业", "83": "橡胶和塑料工业", "85": "造纸技术", "87": "涂料和颜料工业",
    "91": "建筑材料和建筑物", "93": "土木工程", "95": "军事工程",
    "97": "家用和商用设备、文娱、体育",
    # Groups of the chains.
    "03.120": "质量", "13.220": "防火", "17.020": "计量学和测量综合", "17.060": "体积、质量、密度、黏度的测量",
    "17.100": "力、重力和压力的测量", "19.020": "试验条件和规程综合", "59.060": "纺织纤维",
    "59.080": "纺织产品", "59.140": "皮革技术", "61.020": "服装", "61.060": "鞋类",
    "67.040": "食品综合", "67.060": "谷物、豆类和由其制成的产品",
    "67.180": "糖、糖制品、淀粉", "67.190": "巧克力", "67.250": "与食物接触的材料和物品",
    "81.060": "陶瓷", "91.100": "建筑材料", "91.100.23": "陶瓷砖", "31.200": "集成电路、微电子学",
    "97.200": "文娱设备", "29.020": "电气工程综合", "33.100": "电磁兼容性（EMC）",
}


@dataclass(frozen=True)
class IcsClass:
    code: str          # "59.080.01"
    level: int         # 1 field, 2 group, 3 sub-group
    parent: str        # "" for a field
    title_en: str
    title_zh: str      # "" where the desk has none yet

    @property
    def field(self) -> str:
        return self.code.split(".")[0]


@cache
def classes() -> dict[str, IcsClass]:
    """Every ICS class by code."""
    with DATA.open(encoding="utf-8", newline="") as fh:
        return {row["code"]: IcsClass(row["code"], int(row["level"]), row["parent"] or "",
                                      row["title_en"], TITLES_ZH.get(row["code"], ""))
                for row in csv.DictReader(fh)}


def fields() -> list[IcsClass]:
    return [c for c in classes().values() if c.level == 1]


def title(code: str, language: str = "zh") -> str:
    """A class's title in the language; in Chinese, where the desk has none for the
    class, its nearest titled parent's (a sub-group reads as its group)."""
    known = classes().get(code)
    if known is None:
        return ""
    if language != "zh":
        return known.title_en
    step = known
    while step is not None:
        if step.title_zh:
            return step.title_zh
        step = classes().get(step.parent)
    return known.title_en
