"""With REDIS_URL the dashboards keep the figures a board read in Redis, so a second
node reads them without summing the month rows again; without Redis each process keeps
its own (so the first test can fail); with Redis down the boards still answer."""
import logging
from datetime import date

import pytest
from sqlalchemy import event

from blueprints.dashboards import kept
from blueprints.dashboards.refresh import refresh
from core.roles import Role
from extensions import db
from tests.dashboards.june import build_june
from tests.dashboards.test_boards import JUNE, figure
from tests.desk.test_shared_state import closed_port_url


class Statements:
    """The SQL a node sends while the block runs."""

    def __init__(self, app):
        with app.app_context():
            self.engine = db.engine
        self.sent = []

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._hit)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._hit)

    def _hit(self, conn, cursor, statement, *args):
        self.sent.append(statement)

    @property
    def read_month_rows(self) -> bool:
        return any("figure_rows" in s for s in self.sent)


def signed_in(app, user):
    client = app.test_client()
    assert client.post("/login", data={"login": user.login_name,
                                       "password": "factory-pass-1"}).status_code == 302
    return client


def board(client) -> str:
    response = client.get("/dashboards/", query_string=JUNE)
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.fixture
def june(users):
    built = build_june(users)
    refresh()
    return built


@pytest.mark.redis
def test_a_board_one_node_read_is_read_by_another_from_redis(app_factory, users, june,
                                                           shared_redis):
    shared = {"REDIS_URL": shared_redis.url, "REDIS_KEY_PREFIX": shared_redis.prefix}
    first, second = app_factory(**shared), app_factory(**shared)
    admin = users[Role.admin]
    with Statements(first) as on_first:
        page = board(signed_in(first, admin))
    assert on_first.read_month_rows
    [key] = [k for k in shared_redis.keys() if ":dashboards:figures:" in k]
    assert 0 < shared_redis.client.ttl(key) <= kept.EXPIRE_SECONDS
    on_second_client = signed_in(second, admin)
    with Statements(second) as on_second:
        again = board(on_second_client)
    assert not on_second.read_month_rows
    assert again.split("<h1>")[1] == page.split("<h1>")[1]
    # Computed again by the worker: the next read sums the month rows afresh.
    refresh()
    with Statements(second) as after_refresh:
        board(on_second_client)
    assert after_refresh.read_month_rows


def test_without_redis_each_process_keeps_its_own(app_factory, users, june):
    first, second = app_factory(), app_factory()
    admin = users[Role.admin]
    board(signed_in(first, admin))
    client = signed_in(second, admin)
    with Statements(second) as on_second:
        board(client)
    assert on_second.read_month_rows
    with Statements(second) as again:
        board(client)
    assert not again.read_month_rows


def test_with_redis_down_a_board_reads_the_month_rows_and_logs_it(app_factory, users, june,
                                                                 caplog):
    caplog.set_level(logging.WARNING)
    app = app_factory(REDIS_URL=closed_port_url())
    client = signed_in(app, users[Role.admin])
    with Statements(app) as down:
        page = board(client)
    assert down.read_month_rows and figure(page, "fig-items") == "4"
    assert "Redis (REDIS_URL) unreachable" in caplog.text
    assert figure(board(client), "fig-items") == "4"     # resting from Redis meanwhile


@pytest.mark.redis
def test_kept_figures_come_back_from_redis_as_they_were_read(app, app_factory, users, june,
                                                             shared_redis):
    from blueprints.dashboards.queries import Filters, computed_at
    from blueprints.dashboards.views import _figures
    node = app_factory(REDIS_URL=shared_redis.url, REDIS_KEY_PREFIX=shared_redis.prefix)
    board(signed_in(node, users[Role.admin]))
    filters = Filters(first=date(2026, 6, 1), last=date(2026, 6, 1))
    key = shared_redis.prefix + kept.key_of(filters, True, False, computed_at())
    app.config["DASHBOARD_FIGURES_KEPT"] = False        # read afresh here
    assert kept.decode(shared_redis.client.get(key)) == _figures(filters, True, False)
