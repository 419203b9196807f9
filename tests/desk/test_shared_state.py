"""Several nodes behind a proxy share their rate limits through Redis (REDIS_URL): wrong
passwords sent to one node count on another, which runs in a process of its own. Without
Redis each process counts for itself (so the first test can fail), and with Redis down
the desk still limits, per process, and never answers 500."""
import json
import logging
import socket
import subprocess
import sys

import pytest

from core.shared_state import SharedStore
from extensions import limiter
from tests.conftest import ROOT, make_config

LOGIN = "someone@example.com"


def second_node(config: dict, attempts: int) -> list[int]:
    """Status codes of `attempts` wrong passwords for LOGIN, sent by another process."""
    done = subprocess.run([sys.executable, "-m", "tests.desk.second_node", *[LOGIN] * attempts],
                          input=json.dumps(config), cwd=ROOT, capture_output=True, text=True,
                          timeout=180)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def wrong_passwords(client, attempts: int) -> list[int]:
    return [client.post("/login", data={"login": LOGIN, "password": "wrong"}).status_code
            for _ in range(attempts)]


def closed_port_url() -> str:
    """A Redis URL nothing answers at."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


@pytest.fixture
def node_config(database_uri, tmp_path, signing_folder):
    """The config of a node with rate limits on (three wrong passwords a minute)."""
    def config(**overrides):
        return make_config(database_uri, tmp_path, SIGNING_FOLDER=signing_folder,
                           RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute",
                           **overrides)
    return config


@pytest.fixture
def limiter_put_back():
    # The limiter is one object per process (one app per process in production): a test
    # that lets its storage die leaves it counting in memory for the next app built here.
    yield
    limiter._storage_dead = False


@pytest.mark.redis
def test_wrong_passwords_on_one_node_count_on_another(app_factory, node_config, shared_redis):
    shared = {"REDIS_URL": shared_redis.url, "REDIS_KEY_PREFIX": shared_redis.prefix}
    first = app_factory(**shared, RATELIMIT_ENABLED=True,
                        LOGIN_RATE_LIMIT="3 per minute").test_client()
    assert wrong_passwords(first, 2) == [400, 400]
    assert second_node(node_config(**shared), 2) == [400, 429]
    assert wrong_passwords(first, 1) == [429]
    # Counted in Redis, under the desk's prefix.
    assert any(key.startswith(shared_redis.prefix + "limits") for key in shared_redis.keys())


def test_without_redis_each_process_counts_for_itself(app_factory, node_config):
    first = app_factory(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute").test_client()
    assert wrong_passwords(first, 2) == [400, 400]
    assert second_node(node_config(), 2) == [400, 400]
    assert wrong_passwords(first, 2) == [400, 429]


@pytest.mark.redis
def test_a_limiter_storage_named_apart_from_redis_url_wins(app_factory, shared_redis):
    app = app_factory(REDIS_URL=shared_redis.url, REDIS_KEY_PREFIX=shared_redis.prefix,
                      RATELIMIT_STORAGE_URI="memory://")
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert app_factory().config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert app_factory(REDIS_URL=shared_redis.url).config["RATELIMIT_STORAGE_URI"] == \
        shared_redis.url


def test_with_redis_down_the_desk_limits_per_process_and_logs_it(app_factory, caplog,
                                                                   limiter_put_back):
    caplog.set_level(logging.WARNING)
    client = app_factory(REDIS_URL=closed_port_url(), RATELIMIT_ENABLED=True,
                         LOGIN_RATE_LIMIT="3 per minute").test_client()
    assert wrong_passwords(client, 4) == [400, 400, 400, 429]
    assert "falling back to in-memory storage" in caplog.text
    assert client.get("/login").status_code == 200


def test_a_store_that_failed_rests_before_trying_redis_again(caplog):
    caplog.set_level(logging.WARNING)
    store = SharedStore(closed_port_url(), "qidesk-test:")
    assert store.get("figures") is None
    assert "unreachable" in caplog.text

    class Untouchable:
        def __getattr__(self, name):
            raise AssertionError("Redis asked again while resting")

    store.client = Untouchable()
    assert store.get("figures") is None and store.set("figures", "{}", 60) is False
