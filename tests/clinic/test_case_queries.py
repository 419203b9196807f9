"""The case list and the case page run a fixed number of SQL queries, whatever the
number of cases and whatever a case holds (experts, visits, findings, actions, files,
time, messages)."""
from core.roles import Role
from extensions import db
from tests import factories
from tests.clinic.journey import (
    accepted_case,
    book_visit,
    clinic_people,
    dispatch,
    made_case,
    open_case,
    plan_action,
    record_finding,
    step,
)


def _busy(client, login, people, visits: int, starts: str = "09:00", ends: str = "10:00"):
    """A case with `visits` visits and as many findings, actions, time entries and
    questions answered; a second expert dispatched."""
    case = accepted_case(client, login, people)
    for n in range(visits):
        assert book_visit(client, case, days=2 + n, starts=starts, ends=ends).status_code == 302
        assert record_finding(client, case, text=f"发现{n}").status_code == 302
        assert plan_action(client, case, text=f"措施{n}").status_code == 302
        assert client.post(f"/clinic/{case.id}/time", data={
            "time-activity": "visit", "time-day": "2026-01-05", "time-minutes": "30",
            "time-note": ""}).status_code == 302
    dispatch(client, login, people["admin"], case, people["lab_expert"])
    return case


def _pages(client, login, people, case, count_queries):
    counts = {}
    for name, person in (("sme", people["sme"]), ("expert", people["expert"].user),
                         ("admin", people["admin"])):
        login(person)
        client.get(f"/clinic/{case.id}")         # warm: only the pages' own queries count
        with count_queries() as page:
            assert client.get(f"/clinic/{case.id}").status_code == 200
        with count_queries() as listing:
            assert client.get("/clinic/").status_code == 200
        counts[name] = (page.count, listing.count)
    return counts


def test_case_list_and_page_run_a_fixed_number_of_queries(client, login, users, dummy_lab,
                                                          count_queries):
    people = clinic_people(users, dummy_lab)
    small = _busy(client, login, people, visits=1)
    few = _pages(client, login, people, small, count_queries)
    big = _busy(client, login, people, visits=4, starts="14:00", ends="15:00")
    for _ in range(5):
        case = open_case(client, login, people["sme"])
        dispatch(client, login, people["admin"], case, people["expert"])
        login(people["expert"].user)
        step(client, case, "accept")
    many = _pages(client, login, people, big, count_queries)
    assert few == many


def test_the_case_list_finds_cases_by_words_and_number_and_only_ones_own(client, login,
                                                                         users):
    sme, admin = users[Role.sme], users[Role.admin]
    glue = made_case(sme, title="鞋底开胶", product="运动鞋")
    pilling = made_case(sme, title="面料起球", product="针织面料", process="定型")
    other = made_case(factories.create_user(Role.sme), title="帮面开胶", product="童鞋")
    db.session.commit()

    def found(q):
        page = client.get("/clinic/", query_string={"q": q}).get_data(as_text=True)
        return {c.number for c in (glue, pilling, other) if c.number in page}

    login(sme)
    assert found("开胶") == {glue.number}            # not the other enterprise's
    assert found("起球 针织") == {pilling.number}     # every word, title or product
    assert found("定型") == {pilling.number}          # the process too
    assert found(glue.number) == {glue.number}
    assert found(glue.number.replace("-", "").lower()) == {glue.number}
    assert found(str(int(pilling.number.rsplit("-", 1)[1]))) >= {pilling.number}
    assert found("色牢度") == set()
    login(admin)
    assert found("开胶") == {glue.number, other.number}
