"""Lists count the rows they match up to COUNT_LIMIT and then say "more than", so a
list's cost follows its page, not the history behind it; paging goes on past the
limit."""
import re

from core.roles import Role
from tests.journeys import make_draft


def shown(page: str) -> list[str]:
    return re.findall(r'href="/requests/(\d+)"', page)


def test_a_long_list_says_more_than_and_pages_on(app, client, login, users, two_labs):
    login(users[Role.sme])
    made = [make_draft(client, two_labs["fabric"]).id for _ in range(7)]
    app.config.update(PER_PAGE=2, COUNT_LIMIT=5)

    first = client.get("/requests").get_data(as_text=True)
    assert "共 5 条以上" in first and "第 1 页" in first and 'rel="next"' in first
    assert shown(first) == [str(i) for i in made[:-3:-1]]  # newest first
    last = client.get("/requests?page=4").get_data(as_text=True)
    assert shown(last) == [str(made[0])] and 'rel="next"' not in last and 'rel="prev"' in last
    beyond = client.get("/requests?page=9").get_data(as_text=True)
    assert shown(beyond) == []

    app.config.update(COUNT_LIMIT=10)
    counted = client.get("/requests").get_data(as_text=True)
    assert "第 1 / 4 页" in counted and "共 7 条" in counted
    client.get("/lang/en")
    english = client.get("/requests").get_data(as_text=True)
    assert "Page 1 of 4" in english and "7 in all" in english
    app.config.update(COUNT_LIMIT=5)
    assert "more than 5 in all" in client.get("/requests").get_data(as_text=True)


def test_a_short_list_says_how_many(app, client, login, users, two_labs):
    login(users[Role.sme])
    make_draft(client, two_labs["fabric"])
    page = client.get("/requests").get_data(as_text=True)
    assert "共 1 条" in page and 'rel="next"' not in page
