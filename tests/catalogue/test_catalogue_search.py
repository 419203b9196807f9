"""The service catalogue searches with the standards' engine on either database (the
suite runs on both): Chinese words of any length, English words, numbers typed with or
without spaces, and "pH" finds the pH test first."""
import re

import pytest

from blueprints.catalogue.kinds import ServiceKind
from tests import factories

SERVICES = [
    ("SCALE", "数字指示秤检定", "Verification of digital indicating scales", "JJG 539-2016", ""),
    ("PLATFORM", "电子台案秤检定", "Verification of platform scales", "JJG 1118-2015", ""),
    ("FLEX", "鞋类耐折性能", "Flexing resistance of footwear", "GB/T 3903.1-2017", ""),
    ("RUB", "耐摩擦色牢度", "Colour fastness to rubbing", "GB/T3920—2008", ""),
    ("HCHO", "甲醛含量", "Formaldehyde content", "GB/T 2912.1-2009", ""),
    ("KIDS", "儿童鞋安全技术规范检测", "Children's shoes safety", "GB 30585-2014", ""),
    ("PH", "pH值", "pH of aqueous extract", "GB/T 7573-2009", ""),
    ("SAFETY", "纺织品基本安全技术规范", "Textile safety (GB 18401)", "GB 18401-2010",
     "甲醛、pH值、色牢度、异味和可分解致癌芳香胺染料"),
    ("GAUGE", "压力表校准", "Calibration of pressure gauges", "JJG 52-2013", ""),
]


@pytest.fixture
def catalogue(app):
    for code, zh, en, method, description in SERVICES:
        factories.create_service(code=code, name_zh=zh, name_en=en, method_standard=method,
                                 description_zh=description,
                                 kind=ServiceKind.verification if "检定" in zh
                                 else ServiceKind.testing)


def hits(client, q):
    html = client.get("/services", query_string={"q": q}).get_data(as_text=True)
    return re.findall(r'href="/services/([A-Z]+)"', html)


@pytest.mark.parametrize("query,found", [
    ("秤", {"SCALE", "PLATFORM"}),
    ("示秤", {"SCALE"}),
    ("耐折", {"FLEX"}),
    ("色牢度", {"RUB", "SAFETY"}),
    ("甲醛", {"HCHO", "SAFETY"}),
    ("儿童鞋", {"KIDS"}),
    ("formaldehyde", {"HCHO"}),
    ("3903", {"FLEX"}),
    ("GB/T3920", {"RUB"}),
    ("gb/t 3920-2008", {"RUB"}),
    ("校准压力表", {"GAUGE"}),     # the name says 压力表校准
    ("不存在的服务", set()),
])
def test_the_same_hits_on_either_database(client, catalogue, query, found):
    assert set(hits(client, query)) == found


def test_ph_finds_the_ph_test_first(client, catalogue):
    found = hits(client, "pH")
    assert found[0] == "PH" and "SAFETY" in found


def test_a_method_number_puts_its_service_first(client, catalogue):
    assert hits(client, "GB 18401")[0] == "SAFETY"
