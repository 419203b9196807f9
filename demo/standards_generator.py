"""A made-up standards catalogue of any size, for benches and a big demo.

    generate(76_000, seed=2026) -> list of rows (plain dicts, the model's fields, with
                                   replaced_by as the replacing edition's number)
    insert_rows(rows)           -> how many were inserted: SQLAlchemy Core inserts in
                                   chunks, search terms from Standard.reindex, then the
                                   replacements linked in a second pass
    catalogue_csv(rows)         -> the rows as the catalogue file the import reads

The shares of prefixes, the numbers (parts, years 1985–2026), statuses (mostly current,
some replaced by a newer edition of the same standard, some withdrawn, a few upcoming),
ICS codes (from the ICS list), bodies and adoptions look like a county desk's catalogue.
The titles do not: they are composed from a vocabulary of products and tests and marked
【生成】 / [generated], so that nobody takes them for real ones. Numbers never meet the
real standards of demo/data/standards.json. The same count and seed give the same rows."""
import bisect
import json
import random
import time
from datetime import date, timedelta
from importlib.resources import files

from sqlalchemy import bindparam, insert, select, update

from blueprints.standards import ics
from blueprints.standards.importing import write_csv
from blueprints.standards.models import Adoption, Standard, StandardStatus
from blueprints.standards.references import INTERNATIONAL, Reference, parse_one
from blueprints.standards.search import settle_index
from core.timeutil import utcnow
from extensions import db

MARK_ZH = "【生成】"
MARK_EN = "[generated] "
FIRST_YEAR, LAST_YEAR = 1985, 2026
AS_OF = date(2026, 12, 1)  # the day the statuses hold on (fixed: the same rows every run)
CHUNK = 5_000

# Share of the catalogue per prefix (per cent), roughly as a county desk's list holds
# them: mostly national recommended standards, then industry ones, then international.
PREFIXES = {"GB/T": 32, "GB": 3, "GB/Z": 1, "FZ/T": 3, "QB/T": 5, "HG/T": 5, "JB/T": 10,
            "SN/T": 6, "YY/T": 2, "JJG": 1.5, "JJF": 1, "ISO": 15, "ISO/IEC": 0.5, "IEC": 6,
            "EN": 5, "ASTM": 4}

# What each prefix covers (see DOMAINS).
COVERS = {
    "GB/T": ("textiles", "footwear", "food", "building", "electrical", "machinery",
             "chemicals", "light", "management"),
    "GB": ("food", "food", "food", "electrical", "building", "light", "textiles"),
    "GB/Z": ("management", "electrical"), "FZ/T": ("textiles",), "QB/T": ("light", "footwear"),
    "HG/T": ("chemicals",), "JB/T": ("machinery", "machinery", "electrical"),
    "SN/T": ("food", "textiles", "light", "chemicals"), "YY/T": ("medical",),
    "JJG": ("metrology",), "JJF": ("metrology",),
    "ISO": ("textiles", "footwear", "food", "building", "machinery", "chemicals",
            "management"),
    "ISO/IEC": ("management",), "IEC": ("electrical",),
    "EN": ("textiles", "footwear", "building", "electrical", "machinery", "light"),
    "ASTM": ("chemicals", "textiles", "building", "machinery"),
}

# Per domain: products and aspects (Chinese, English), the ICS classes its codes are
# taken under, and the bodies responsible for it.
DOMAINS = {
    "textiles": {
        "products": [("纺织品", "Textiles"), ("机织物", "Woven fabrics"),
                     ("针织物", "Knitted fabrics"), ("婴幼儿服装", "Infant garments"),
                     ("羽绒服装", "Down garments"), ("床上用品", "Bedding products"),
                     ("毛巾", "Towels"), ("牛仔服装", "Denim garments"),
                     ("运动服装", "Sportswear"), ("袜子", "Socks"), ("非织造布", "Nonwovens"),
                     ("纱线", "Yarns")],
        "aspects": [("色牢度试验 耐摩擦色牢度", "Tests for colour fastness — Colour fastness "
                     "to rubbing"),
                    ("色牢度试验 耐汗渍色牢度", "Tests for colour fastness — Colour fastness "
                     "to perspiration"),
                    ("色牢度试验 耐皂洗色牢度", "Tests for colour fastness — Colour fastness "
                     "to washing"),
                    ("耐光色牢度", "Colour fastness to light"),
                    ("甲醛含量", "Formaldehyde content"), ("pH值", "pH value"),
                    ("断裂强力", "Breaking strength"), ("起毛起球", "Pilling"),
                    ("尺寸变化率", "Dimensional change"), ("纤维含量", "Fibre content"),
                    ("透气性", "Air permeability"),
                    ("吸湿速干性能", "Moisture absorption and quick drying"),
                    ("抗菌性能", "Antibacterial activity")],
        "ics": ("59.060", "59.080", "61.020"),
        "bodies": ["全国纺织品标准化技术委员会 (SAC/TC 209)",
                   "全国服装标准化技术委员会 (SAC/TC 219)"],
    },
    "footwear": {
        "products": [("鞋类", "Footwear"), ("运动鞋", "Sports shoes"),
                     ("儿童鞋", "Children's shoes"), ("皮鞋", "Leather shoes"),
                     ("胶鞋", "Rubber footwear"), ("鞋底", "Soles"), ("皮革", "Leather"),
                     ("毛皮", "Fur")],
        "aspects": [("耐折性能", "Flexing resistance"), ("耐磨性能", "Abrasion resistance"),
                    ("剥离强度", "Peeling strength"), ("硬度", "Hardness"),
                    ("防滑性能", "Slip resistance"), ("六价铬含量", "Chromium(VI) content"),
                    ("甲醛含量", "Formaldehyde content"),
                    ("耐水解性能", "Hydrolysis resistance")],
        "ics": ("61.060", "59.140"),
        "bodies": ["全国制鞋标准化技术委员会 (SAC/TC 305)",
                   "全国皮革工业标准化技术委员会 (SAC/TC 252)"],
    },
    "food": {
        "products": [("食品", "Foods"), ("乳制品", "Dairy products"), ("茶叶", "Tea"),
                     ("饮料", "Beverages"), ("糕点", "Pastries"), ("膨化食品", "Extruded foods"),
                     ("肉制品", "Meat products"), ("水产品", "Aquatic products"),
                     ("蔬菜", "Vegetables"), ("食用植物油", "Edible vegetable oils"),
                     ("食品接触材料", "Food contact materials")],
        "aspects": [("铅含量", "Lead content"), ("菌落总数", "Aerobic plate count"),
                    ("大肠菌群", "Coliforms"), ("沙门氏菌", "Salmonella"),
                    ("农药残留量", "Pesticide residues"), ("苯甲酸", "Benzoic acid"),
                    ("黄曲霉毒素", "Aflatoxins"), ("水分", "Moisture"), ("酸价", "Acid value")],
        "ics": ("67.", "07.100.30"),
        "bodies": ["国家卫生健康委员会", "全国食品工业标准化技术委员会 (SAC/TC 64)"],
    },
    "building": {
        "products": [("陶瓷砖", "Ceramic tiles"), ("卫生陶瓷", "Ceramic sanitary appliances"),
                     ("日用陶瓷", "Domestic ceramic ware"), ("建筑石材", "Building stone"),
                     ("水泥", "Cement"), ("混凝土", "Concrete"), ("防水卷材", "Waterproof sheets")],
        "aspects": [("吸水率", "Water absorption"), ("破坏强度", "Breaking strength"),
                    ("抗冻性", "Frost resistance"), ("耐磨性能", "Abrasion resistance"),
                    ("铅镉溶出量", "Release of lead and cadmium"),
                    ("放射性核素", "Radionuclides"), ("抗压强度", "Compressive strength")],
        "ics": ("81.060", "91.100", "91.140"),
        "bodies": ["全国建筑卫生陶瓷标准化技术委员会 (SAC/TC 249)",
                   "全国水泥标准化技术委员会 (SAC/TC 184)"],
    },
    "metrology": {
        "products": [("电子秤", "Electronic scales"), ("电子计价秤", "Price-computing scales"),
                     ("电子台秤", "Platform scales"), ("电子吊秤", "Crane scales"),
                     ("汽车衡", "Truck scales"), ("电子天平", "Electronic balances"),
                     ("砝码", "Weights"), ("压力表", "Pressure gauges"),
                     ("温度计", "Thermometers"), ("卡尺", "Calipers"),
                     ("千分尺", "Micrometers"), ("燃油加油机", "Fuel dispensers"),
                     ("水表", "Water meters"), ("电能表", "Electricity meters"),
                     ("血压计", "Sphygmomanometers"), ("流量计", "Flowmeters"),
                     ("分光光度计", "Spectrophotometers"), ("酸度计", "pH meters"),
                     ("声级计", "Sound level meters"), ("测厚仪", "Thickness gauges"),
                     ("硬度计", "Hardness testers"), ("出租汽车计价器", "Taximeters"),
                     ("气体检测报警器", "Gas detectors")],
        "aspects": [],
        "ics": ("17.",),
        "bodies": ["全国衡器计量技术委员会", "全国质量密度计量技术委员会",
                   "全国温度计量技术委员会", "全国压力计量技术委员会"],
    },
    "electrical": {
        "products": [("家用电器", "Household appliances"), ("电动工具", "Electric tools"),
                     ("照明设备", "Lighting equipment"), ("电源适配器", "Power adapters"),
                     ("电线电缆", "Cables"), ("开关", "Switches"), ("电动机", "Electric motors"),
                     ("变压器", "Transformers"), ("锂离子电池", "Lithium-ion batteries")],
        "aspects": [("安全要求", "Safety requirements"),
                    ("电磁兼容", "Electromagnetic compatibility"),
                    ("静电放电抗扰度", "Electrostatic discharge immunity"),
                    ("谐波电流", "Harmonic currents"),
                    ("外壳防护等级", "Degrees of protection by enclosures"),
                    ("能效限定值", "Minimum energy efficiency"),
                    ("高温试验", "Dry heat test"), ("低温试验", "Cold test")],
        "ics": ("29.", "31.", "33.100", "97.030", "97.040"),
        "bodies": ["全国家用电器标准化技术委员会 (SAC/TC 46)",
                   "全国电磁兼容标准化技术委员会 (SAC/TC 246)",
                   "全国电工电子产品环境技术标准化技术委员会 (SAC/TC 8)"],
    },
    "machinery": {
        "products": [("滚动轴承", "Rolling bearings"), ("齿轮", "Gears"), ("阀门", "Valves"),
                     ("离心泵", "Centrifugal pumps"), ("液压缸", "Hydraulic cylinders"),
                     ("紧固件", "Fasteners"), ("数控机床", "CNC machine tools"),
                     ("焊接材料", "Welding consumables")],
        "aspects": [("技术条件", "Specifications"), ("尺寸公差", "Dimensional tolerances"),
                    ("疲劳寿命", "Fatigue life"), ("密封性能", "Sealing performance"),
                    ("噪声测量", "Noise measurement"), ("振动", "Vibration"),
                    ("耐磨性能", "Wear resistance")],
        "ics": ("21.", "23.", "25."),
        "bodies": ["全国滚动轴承标准化技术委员会 (SAC/TC 98)",
                   "全国阀门标准化技术委员会 (SAC/TC 188)"],
    },
    "chemicals": {
        "products": [("涂料", "Paints"), ("胶粘剂", "Adhesives"), ("橡胶", "Rubber"),
                     ("塑料", "Plastics"), ("染料", "Dyestuffs"), ("颜料", "Pigments"),
                     ("表面活性剂", "Surface active agents"),
                     ("化学试剂", "Chemical reagents"), ("增塑剂", "Plasticizers")],
        "aspects": [("拉伸性能", "Tensile properties"),
                    ("挥发性有机物含量", "Volatile organic compound content"),
                    ("甲醛释放量", "Formaldehyde emission"),
                    ("耐光色牢度", "Colour fastness to light"),
                    ("邻苯二甲酸酯", "Phthalates"), ("熔体流动速率", "Melt flow rate"),
                    ("硬度", "Hardness")],
        "ics": ("71.", "83.", "87."),
        "bodies": ["全国涂料和颜料标准化技术委员会 (SAC/TC 5)",
                   "全国塑料标准化技术委员会 (SAC/TC 15)",
                   "全国橡胶与橡胶制品标准化技术委员会 (SAC/TC 35)"],
    },
    "light": {
        "products": [("木家具", "Wooden furniture"), ("玩具", "Toys"), ("箱包", "Luggage"),
                     ("纸制品", "Paper products"), ("洗涤剂", "Detergents"),
                     ("化妆品", "Cosmetics"), ("自行车", "Bicycles"),
                     ("眼镜架", "Spectacle frames"), ("伞", "Umbrellas")],
        "aspects": [("甲醛释放量", "Formaldehyde emission"),
                    ("有害物质限量", "Limits of harmful substances"),
                    ("耐久性", "Durability"), ("安全要求", "Safety requirements"),
                    ("物理机械性能", "Physical and mechanical properties")],
        "ics": ("97.", "85.", "55."),
        "bodies": ["全国家具标准化技术委员会 (SAC/TC 480)",
                   "全国玩具标准化技术委员会 (SAC/TC 253)"],
    },
    "medical": {
        "products": [("医用口罩", "Medical masks"), ("一次性使用注射器", "Single-use syringes"),
                     ("医用手套", "Medical gloves"), ("输液器", "Infusion sets"),
                     ("医用敷料", "Medical dressings")],
        "aspects": [("生物学评价", "Biological evaluation"), ("无菌检验", "Sterility test"),
                    ("环氧乙烷残留量", "Ethylene oxide residues"),
                    ("过滤效率", "Filtration efficiency")],
        "ics": ("11.",),
        "bodies": ["全国医用输液器具标准化技术委员会 (SAC/TC 106)"],
    },
    "management": {
        "products": [("质量管理体系", "Quality management systems"),
                     ("信息安全", "Information security"),
                     ("合格评定", "Conformity assessment"),
                     ("检测和校准实验室", "Testing and calibration laboratories"),
                     ("测量管理体系", "Measurement management systems"),
                     ("统计方法", "Statistical methods"), ("标准化", "Standardization")],
        "aspects": [("要求", "Requirements"), ("指南", "Guidelines"), ("术语", "Vocabulary"),
                    ("审核", "Auditing"), ("能力验证", "Proficiency testing"),
                    ("抽样检验", "Sampling inspection"), ("控制图", "Control charts")],
        "ics": ("01.", "03.100", "03.120", "35.030"),
        "bodies": ["全国质量管理和质量保证标准化技术委员会 (SAC/TC 151)",
                   "全国标准化原理与方法标准化技术委员会 (SAC/TC 286)",
                   "全国认证认可标准化技术委员会 (SAC/TC 261)"],
    },
}
# What most documents of any field are about. A title takes its aspect from its domain's
# own list only now and then, so that a domain's words (甲醛, colour fastness) match a
# few hundred of 76,000 standards, as in a real catalogue, not thousands.
GENERIC_ASPECTS = [
    ("术语和定义", "Terms and definitions"), ("分类与代码", "Classification and codes"),
    ("型号编制方法", "Type designation"),
    ("标志、包装、运输和贮存", "Marking, packaging, transport and storage"),
    ("取样方法", "Sampling"), ("外观质量", "Appearance quality"),
    ("尺寸测量", "Measurement of dimensions"), ("质量分级", "Quality grading"),
    ("安装规范", "Installation"), ("运行维护", "Operation and maintenance"),
    ("能耗测定", "Energy consumption"), ("耐腐蚀性能", "Corrosion resistance"),
    ("老化试验", "Ageing test"), ("可靠性评定", "Reliability assessment"),
    ("环境适应性", "Environmental adaptability"), ("数据元", "Data elements"),
    ("编码规则", "Coding rules"), ("生产过程控制", "Production process control"),
    ("原材料要求", "Requirements for raw materials"), ("出厂检验", "Factory inspection"),
    ("型式试验", "Type test"), ("使用说明", "Instructions for use"),
    ("回收利用", "Recycling"), ("绿色产品评价", "Green product assessment"),
    ("碳足迹核算", "Carbon footprint"), ("标签标识", "Labelling"),
    ("密度测定", "Determination of density"), ("热稳定性", "Thermal stability"),
    ("噪声限值", "Noise limits"), ("结构与尺寸", "Structure and dimensions"),
    ("验收规范", "Acceptance"), ("质量控制", "Quality control"),
    ("判定规则", "Rules for judgement"), ("评价方法", "Evaluation methods")]
SPECIFIC = 0.1  # how often a title's aspect is its domain's own
# How a document names what it does, after the product and aspect.
KINDS = [("试验方法", "Test method"), ("技术要求", "Specifications"),
         ("测定", "Determination"), ("通用技术条件", "General specifications"),
         ("检验规则", "Rules for inspection"), ("", "")]
INTERNATIONAL_BODIES = {"ISO": "ISO", "ISO/IEC": "ISO/IEC JTC 1", "IEC": "IEC", "EN": "CEN",
                        "ASTM": "ASTM International"}
# FZ/T numbers begin with their group (01 general, 1x cotton, 4x silk, 7x knitwear ...).
FZ_GROUPS = (1, 10, 12, 13, 14, 20, 24, 40, 43, 50, 52, 54, 60, 62, 63, 64, 70, 72, 73, 74, 80, 81)
# (lowest, highest) number per prefix at the catalogue's usual size; a bigger catalogue
# widens the range so that it still finds enough distinct standards.
NUMBERS = {"GB/T": (100, 44_999), "GB": (1_000, 39_999), "GB/Z": (17_000, 43_999),
           "QB/T": (1_000, 5_999), "HG/T": (2_000, 6_299), "JB/T": (1_000, 14_999),
           "SN/T": (1, 5_899), "YY/T": (1, 1_899), "JJG": (1, 1_299), "JJF": (1_001, 2_199),
           "ISO": (100, 24_999), "ISO/IEC": (17_000, 27_999), "IEC": (60_000, 63_499),
           "EN": (1, 17_999), "ASTM": (1, 9_999)}
# Which prefixes number their parts ("GB/T 2423.1", "ISO 105-2", "IEC 60335-2-7").
PARTS = {"GB/T": 0.3, "GB": 0.2, "GB/Z": 0.2, "QB/T": 0.1, "HG/T": 0.05, "JB/T": 0.15,
         "SN/T": 0.2, "YY/T": 0.25, "ISO": 0.35, "ISO/IEC": 0.3, "IEC": 0.6, "EN": 0.3}
EDITIONS = ((1, 72), (2, 22), (3, 6))  # editions a standard has had, and how often
ADOPTIONS = ((Adoption.identical, 55), (Adoption.modified, 35), (Adoption.not_equivalent, 10))


def number_space(key: str) -> str:
    """What two standards may not share: their key, except that GB, GB/T and GB/Z draw
    on one sequence of numbers (GB 4706.1 became GB/T 4706.1, never a second standard)."""
    prefix, _space, rest = key.partition(" ")
    return f"GB {rest}" if prefix in ("GB/T", "GB/Z") else key


def real_keys() -> set[str]:
    """The number spaces of the real standards in demo/data/standards.json: generated
    numbers keep away from them."""
    data = json.loads((files("demo") / "data" / "standards.json").read_text(encoding="utf-8"))
    return {number_space(parse_one(row["code"]).key) for row in data["standards"]}


def _weighted(rng: random.Random, pairs):
    return rng.choices([value for value, _w in pairs], [w for _v, w in pairs])[0]


def _ics_by_domain() -> dict[str, list[str]]:
    groups = [c.code for c in ics.classes().values() if c.level >= 2]
    return {name: [code for code in groups if code.startswith(domain["ics"])]
            for name, domain in DOMAINS.items()}


def _number(rng: random.Random, prefix: str, low: int, high: int) -> tuple[str, str | None]:
    value = rng.randint(low, high)
    if prefix == "FZ/T":
        number = f"{rng.choice(FZ_GROUPS):02d}{value % 1000:03d}"
    elif prefix in ("SN/T", "YY/T"):
        number = f"{value:04d}"
    elif prefix == "ASTM":
        number = f"{rng.choice('ABCDEFG')}{value}"
    else:
        number = str(value)
    part = None
    if rng.random() < PARTS.get(prefix, 0):
        part = str(rng.randint(1, 12))
        if prefix == "IEC" and rng.random() < 0.5:
            part = f"{part}-{rng.randint(1, 40)}"
    return number, part


def _title(rng: random.Random, prefix: str, domain: str) -> tuple[str, str, str]:
    """A generated title in both languages, and a scope sentence."""
    product_zh, product_en = rng.choice(DOMAINS[domain]["products"])
    if prefix == "JJG":
        return (f"{MARK_ZH}{product_zh}检定规程", f"{MARK_EN}Verification regulation of "
                f"{product_en.lower()}", f"{MARK_ZH}适用于{product_zh}的首次检定、后续检定和使用中检查。")
    if prefix == "JJF":
        return (f"{MARK_ZH}{product_zh}校准规范", f"{MARK_EN}Calibration specification for "
                f"{product_en.lower()}", f"{MARK_ZH}适用于{product_zh}的校准。")
    aspects = DOMAINS[domain]["aspects"] if rng.random() < SPECIFIC else GENERIC_ASPECTS
    aspect_zh, aspect_en = rng.choice(aspects)
    kind_zh, kind_en = rng.choice(KINDS)
    if prefix == "SN/T":
        product_zh, product_en = "进出口" + product_zh, "Import and export " + product_en.lower()
    if prefix == "GB" and domain == "food":
        product_zh, product_en = "食品安全国家标准 " + product_zh, \
            "National food safety standard — " + product_en
    zh = " ".join(p for p in (product_zh, aspect_zh, kind_zh) if p)
    en = " — ".join(p for p in (product_en, aspect_en, kind_en) if p)
    scope = f"{MARK_ZH}规定了{product_zh}{aspect_zh}的{kind_zh or '要求'}。"
    return MARK_ZH + zh, MARK_EN + en, scope


def _dates(rng: random.Random, year: int, national: bool) -> tuple[date, date | None]:
    issued = date(year, rng.randint(1, 12), rng.randint(1, 28))
    if not national:
        return issued, None
    return issued, issued + timedelta(days=rng.randint(90, 365))


def generate(count: int = 76_000, seed: int = 2026) -> list[dict]:
    """`count` generated editions, the same for the same count and seed. Each is a dict
    of the model's fields (code, key, prefix, year, all_parts, titles, status, dates,
    ics, body, adoption, adopted_from, scope_zh, scope_en) with `replaced_by` as the
    number of the edition that replaced it, or ""."""
    rng = random.Random(seed)
    taken = real_keys()
    ics_codes = _ics_by_domain()
    prefixes, shares = list(PREFIXES), list(PREFIXES.values())
    scale = max(1.0, count / 76_000)
    rows: list[dict] = []
    while len(rows) < count:
        prefix = rng.choices(prefixes, shares)[0]
        low, high = NUMBERS.get(prefix, (1, 999))
        number, part = _number(rng, prefix, low, low + int((high - low) * scale))
        space = number_space(Reference(prefix, number, part).key)
        if space in taken:
            continue
        taken.add(space)
        domain = rng.choice(COVERS[prefix])
        national = prefix not in INTERNATIONAL and prefix != "ASTM"
        body = INTERNATIONAL_BODIES.get(prefix) or rng.choice(DOMAINS[domain]["bodies"])
        field_codes = rng.sample(ics_codes[domain], k=min(len(ics_codes[domain]),
                                                           rng.choice((1, 1, 1, 2))))
        title_zh, title_en, scope = _title(rng, prefix, domain)
        editions = min(_weighted(rng, EDITIONS), count - len(rows))
        years = sorted(rng.sample(range(FIRST_YEAR, LAST_YEAR + 1), editions))
        years[-1] = max(years[-1], int(rng.triangular(FIRST_YEAR, LAST_YEAR, LAST_YEAR - 4)))
        years = sorted(set(years))
        made = []
        for year in years:
            issued, implemented = _dates(rng, year, national)
            ref = Reference(prefix, number, part, year)
            made.append({
                "code": str(ref), "key": ref.key, "prefix": prefix, "year": year,
                "all_parts": False, "title_zh": title_zh, "title_en": title_en,
                "status": StandardStatus.current, "issued_on": issued,
                "implemented_on": implemented, "withdrawn_on": None, "replaced_by": "",
                "ics": " ".join(field_codes), "body": body, "adoption": Adoption.none,
                "adopted_from": "", "scope_zh": scope if rng.random() < 0.6 else "",
                "scope_en": ""})
        _statuses(rng, made)
        rows.extend(made)
    _adoptions(rng, rows)
    return rows


def _statuses(rng: random.Random, editions: list[dict]) -> None:
    """As of AS_OF: the newest edition is in force, or comes into force later (issued,
    upcoming), or was withdrawn; each older one was replaced by the next, from the day
    that one came into force."""
    newest = editions[-1]
    start = newest["implemented_on"] or newest["issued_on"]
    if start > AS_OF:
        newest["status"] = StandardStatus.upcoming
    elif rng.random() < 0.08 and start + timedelta(days=365) < AS_OF:
        newest["status"] = StandardStatus.withdrawn
        newest["withdrawn_on"] = min(start + timedelta(days=rng.randint(365, 3650)), AS_OF)
    for older, newer in zip(editions, editions[1:], strict=False):
        if newer["status"] == StandardStatus.upcoming:
            continue  # still in force until its successor is
        older.update(status=StandardStatus.replaced, replaced_by=newer["code"],
                     withdrawn_on=newer["implemented_on"] or newer["issued_on"])


def _adoptions(rng: random.Random, rows: list[dict]) -> None:
    """A fifth of the national standards adopt an international one generated here,
    published before them."""
    foreign = sorted((row["year"], row["code"]) for row in rows
                     if row["prefix"] in ("ISO", "IEC", "ISO/IEC"))
    years = [year for year, _code in foreign]
    for row in rows:
        if row["prefix"] not in ("GB/T", "GB", "GB/Z") or rng.random() >= 0.2:
            continue
        before = bisect.bisect_left(years, row["year"])
        if before:
            row["adoption"] = _weighted(rng, ADOPTIONS)
            row["adopted_from"] = foreign[rng.randrange(before)][1]


def search_terms(row: dict) -> str:
    """The row's search terms, exactly as Standard.reindex computes them."""
    probe = Standard(code=row["code"], title_zh=row["title_zh"], title_en=row["title_en"],
                     scope_zh=row["scope_zh"], scope_en=row["scope_en"])
    probe.reindex()
    return probe.search_terms


def insert_rows(rows: list[dict], chunk: int = CHUNK) -> int:
    """Insert the rows whose number the catalogue lacks, `chunk` at a time (Core
    INSERTs, the search index following by its triggers or GIN index), then link each
    replaced edition to its successor. Commits; returns how many were inserted."""
    table = Standard.__table__
    existing = set(db.session.scalars(select(Standard.code)))
    todo = [row for row in rows if row["code"] not in existing]
    now = utcnow()
    for start in range(0, len(todo), chunk):
        batch = [{**{name: value for name, value in row.items() if name != "replaced_by"},
                  "search_terms": search_terms(row), "created_at": now, "updated_at": now}
                 for row in todo[start:start + chunk]]
        db.session.execute(insert(table), batch)
        db.session.commit()
    ids = dict(db.session.execute(select(Standard.code, Standard.id)).all())
    links = [{"row_id": ids[row["code"]], "successor_id": ids[row["replaced_by"]]}
             for row in todo if row["replaced_by"]]
    link = (update(table).where(table.c.id == bindparam("row_id"))
            .values(replaced_by_id=bindparam("successor_id")))
    for start in range(0, len(links), chunk):
        db.session.execute(link, links[start:start + chunk])
    settle_index()
    db.session.commit()
    return len(todo)


def load(count: int = 76_000, seed: int = 2026) -> tuple[int, float]:
    """Generate and insert `count` standards: how many were new, and the seconds the
    insert took (generation not included)."""
    rows = generate(count, seed)
    started = time.perf_counter()
    made = insert_rows(rows)
    return made, time.perf_counter() - started


def catalogue_csv(rows: list[dict]) -> bytes:
    """The rows as a standards body's catalogue file: UTF-8 CSV under the Chinese
    headers the import reads (标准号, 中文名称, 英文名称, 状态, 发布日期, 实施日期, 废止日期,
    代替标准号, ICS, 归口单位, 采标情况, 适用范围 ...), written by the import's own writer."""
    return write_csv(rows)
