"""Whether a case-library article still tells whose case it was."""
import pytest

from blueprints.clinic.anonymity import Giveaway, Identity, giveaways, trade_name

NAME = "晋江市鸿鹄鞋服有限公司"
USCC = "91350582MA2Y3K4L5P"
CASE = Identity(name=NAME, uscc=USCC, people=("王建国", "李丽华"), figures=("12.50", "3903"))


def found(text: str, identity: Identity = CASE) -> set[tuple[str, str]]:
    return {(g.kind, g.text) for g in giveaways(text, identity)}


@pytest.mark.parametrize("name, core", [
    (NAME, "鸿鹄"),                              # region + 字号 + trade + form
    ("福建省晋江市鸿鹄鞋业有限公司", "鸿鹄"),     # province and city
    ("安踏体育用品集团有限公司", "安踏"),          # no region; group and company
    ("鸿鹄有限公司", "鸿鹄"),                     # no region, no trade
    ("鸿鹄", "鸿鹄"),                             # nothing to take off
])
def test_the_trade_name_is_the_core_of_the_company_name(name, core):
    assert trade_name(name) == core


def test_a_region_written_without_city_is_taken_off():
    """Many registered names read 泉州 + 字号 (no 市): the 字号 alone still names the firm."""
    assert trade_name("泉州鸿鹄鞋业有限公司") == "鸿鹄"


def test_the_full_name_is_a_giveaway():
    assert ("name", NAME) in found(f"{NAME}生产的运动鞋鞋底开胶。")


def test_the_trade_name_alone_is_a_giveaway():
    assert found("鸿鹄的运动鞋鞋底开胶。") == {("name", "鸿鹄")}


@pytest.mark.parametrize("code", [USCC, USCC.lower()])
def test_the_credit_code_in_either_case(code):
    assert found(f"统一社会信用代码{code}。") == {("uscc", USCC)}


@pytest.mark.parametrize("person", ["王建国", "李丽华"])
def test_the_legal_representative_and_contacts(person):
    assert found(f"厂长{person}介绍了返工情况。") == {("person", person)}


@pytest.mark.parametrize("text, phone", [
    ("联系电话13905951234。", "13905951234"),
    ("联系电话０５９５－８５１２３４５６。", "0595-85123456"),   # typed full width
    ("电话0595-85123456。", "0595-85123456"),
    ("手机１３９０５９５１２３４。", "13905951234"),
])
def test_mobile_and_landline_numbers(text, phone):
    assert found(text) == {("phone", phone)}


def test_an_email_address():
    assert found("邮箱：qc@honghu-shoes.com。") == {("email", "qc@honghu-shoes.com")}


def test_an_email_address_written_inside_chinese_text():
    """The words shown to the writer are the address, not the sentence around it."""
    assert found("请发邮件至qc@honghu-shoes.com联系") == {("email", "qc@honghu-shoes.com")}


@pytest.mark.parametrize("text, money", [
    ("赔付客户3000元。", "3000元"),
    ("退货款¥1,200", "¥1,200"),
    ("损失约5万元。", "5万元"),
    ("退货款￥1,200", "¥1,200"),             # full-width yen sign
])
def test_amounts_of_money(text, money):
    assert found(text) == {("money", money)}


@pytest.mark.parametrize("text", ["退货款¥1,200。", "退货款¥1,200，另赔运费。"])
def test_an_amount_is_shown_without_the_punctuation_after_it(text):
    """The writer is told to take out "¥1,200", not "¥1,200." or "¥1,200,"."""
    assert found(text) == {("money", "¥1,200")}


@pytest.mark.parametrize("text, figure", [
    ("不良率由12.50%降至2%。", "12.50"),
    ("不良率由12.5%降至2%。", "12.5"),     # the figure 12.50 written without its zero
    ("返工3903双。", "3903"),
])
def test_the_cases_own_figures(text, figure):
    assert ("figure", figure) in found(text)


@pytest.mark.parametrize("text", ["抽检112.5双。", "均值为12.55。", "批号39031。"])
def test_a_figure_is_not_found_inside_a_longer_number(text):
    assert not {kind for kind, _ in found(text)} & {"figure"}


def test_a_standard_number_is_not_a_figure():
    """Citing GB/T 3903.1-2017 does not give away a recorded figure 3903."""
    assert found("按GB/T 3903.1-2017做耐折试验。") == set()


def test_a_figure_beside_a_cited_standard_is_still_found():
    assert ("figure", "3903") in found("依据GB/T 3903.1-2017复测，返工3903双。")


@pytest.mark.parametrize("text", [
    "依据GB 18401检测不良率为12.5%。",      # no punctuation between standard and figure
    "The reject rate had been 12.5% before.",  # "been 12.5" is no EN standard
])
def test_a_figure_after_a_standard_in_the_same_clause_is_still_found(text):
    assert ("figure", "12.5") in found(text)


def test_a_clean_text_gives_nothing_away():
    text = ("某鞋企成品鞋在湿热环境下鞋底开胶。专家依据GB/T 3903.1-2017复测，"
            "查明胶粘剂固化温度偏低，调整工艺后不良率降至个位数。")
    assert giveaways(text, CASE) == []


def test_each_giveaway_is_listed_once():
    assert giveaways("鸿鹄、鸿鹄、鸿鹄", CASE) == [Giveaway("name", "鸿鹄")]
