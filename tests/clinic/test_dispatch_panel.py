"""Dispatch at the size of a real pool: each expert's load is kept as cases move (not
counted per page), and the panel proposes the best few, with the rest one click away
and those left out counted by reason, conflicts by name."""
import re

from blueprints.clinic.lifecycle import CaseAction, Party
from blueprints.clinic.models import Expert
from core.roles import Role
from extensions import db
from tests import factories
from tests.clinic.journey import made_case


def _loads(*experts):
    db.session.expire_all()
    return [db.session.get(Expert, e.id).open_cases for e in experts]


def test_each_experts_open_cases_follow_their_cases(users, dummy_lab):
    sme, admin = users[Role.sme], users[Role.admin]
    outside = factories.create_expert(name="林专家")
    staff = factories.create_expert(lab=dummy_lab, name="陈工")
    working = made_case(sme, "working", admin=admin, expert=outside)
    assert _loads(outside, staff) == [1, 0]
    second = made_case(sme)
    second.dispatch(admin, [outside, staff])              # a group: both asked
    db.session.commit()
    assert _loads(outside, staff) == [2, 1]
    second.decline(staff.user, "本月出差")                  # the other stays on it
    db.session.commit()
    assert _loads(outside, staff) == [2, 0]
    working.propose(outside.user, "胶水晾置时间不足，已改工艺。", findings=1)
    db.session.commit()
    assert _loads(outside, staff) == [2, 0]               # proposed is still open
    working.confirm(sme)
    db.session.commit()
    assert _loads(outside, staff) == [1, 0]
    second.take(CaseAction.withdraw, sme, Party.enterprise, text="已自行解决")
    db.session.commit()
    assert _loads(outside, staff) == [0, 0]


def test_a_declined_case_back_at_the_desk_frees_its_only_expert(users):
    sme, admin = users[Role.sme], users[Role.admin]
    expert = factories.create_expert()
    case = made_case(sme)
    case.dispatch(admin, [expert])
    db.session.commit()
    assert _loads(expert) == [1]
    case.decline(expert.user, "不熟悉该工艺")
    db.session.commit()
    assert _loads(expert) == [0]
    assert case.awaits_dispatch


def test_the_panel_proposes_the_best_twelve_and_counts_who_is_left_out(client, login, users):
    sme, admin = users[Role.sme], users[Role.admin]
    for n in range(15):
        factories.create_expert(name=f"候选{n:02d}")
    for n in range(3):
        factories.create_expert(name=f"休假{n}", available=False)
    factories.create_expert(name="回避专家", conflicts=[sme.enterprise])
    factories.create_expert(name="食品专家", chains=("leisure_food",), skills=("testing",))
    case = made_case(sme, skills=["root_cause"])
    db.session.commit()
    login(admin)

    def panel(query=""):
        page = client.get(f"/clinic/{case.id}{query}").get_data(as_text=True)
        return page[page.index('id="dispatch"'):page.index("</section>",
                                                            page.index('id="dispatch"'))]
    shown = panel()
    assert len(re.findall(r'name="experts"', shown)) == 12
    assert "显示其余 3 位推荐专家" in shown
    assert len(re.findall(r'name="experts"', panel("?experts=all"))) == 15
    assert "暂不接单：3 位" in shown
    assert "已申报与该企业有利益冲突：1 位（回避专家）" in shown
    assert "领域不匹配：1 位" in shown and "食品专家" not in shown
