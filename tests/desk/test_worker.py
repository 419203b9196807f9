"""The worker process: one leader runs the jobs, a second worker waits as standby and
takes over when the leader is killed (a PostgreSQL advisory lock, or a lock file on
SQLite); each job's last run is recorded and shown to admins."""
import json
import os
import signal
import subprocess
import sys
import time

from core.job_state import JobState
from core.roles import Role
from extensions import db
from jobs import JOBS
from tests import factories
from tests.conftest import PUBLIC_URL, ROOT


def start_worker(database_uri, instance, log_path, app):
    env = {**os.environ, "FLASK_APP": "app", "QIDESK_INSTANCE_PATH": instance,
           "QIDESK_SQLALCHEMY_DATABASE_URI": database_uri, "QIDESK_SECRET_KEY": "w",
           "QIDESK_PUBLIC_URL": PUBLIC_URL,
           "QIDESK_SIGNING_FOLDER": app.config["SIGNING_FOLDER"],
           "QIDESK_CERTIFICATE_FOLDER": app.config["CERTIFICATE_FOLDER"],
           "QIDESK_JOB_INTERVALS": json.dumps({job: 1 for job, _f, _s in JOBS}),
           "QIDESK_MAIL_PORT": "1"}  # nobody listens: the mail job runs and finds nothing
    log = open(log_path, "w")  # noqa: SIM115  (closed when the process is reaped)
    proc = subprocess.Popen([sys.executable, "-m", "flask", "worker"], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    proc.log = log
    return proc


def wait_for(predicate, seconds=30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


def said(path, text) -> bool:
    with open(path) as fh:
        return text in fh.read()


def states() -> dict[str, JobState]:
    db.session.rollback()  # read what the workers committed
    return {s.job: s for s in db.session.scalars(db.select(JobState))}


def stop(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    proc.log.close()


def test_a_standby_worker_takes_over_when_the_leader_dies(app, database_uri, tmp_path):
    instance = str(tmp_path / "instance")
    os.makedirs(instance)
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    first = start_worker(database_uri, instance, first_log, app)
    second = None
    try:
        assert wait_for(lambda: said(first_log, "Leader")), first_log.read_text()
        second = start_worker(database_uri, instance, second_log, app)
        assert wait_for(lambda: said(second_log, "Standby")), second_log.read_text()
        # Both alive for a while: every job runs, and only ever in the leader.
        assert wait_for(lambda: all(s.runs >= 3 for s in states().values())
                        and len(states()) == len(JOBS)), first_log.read_text()
        assert {s.pid for s in states().values()} == {first.pid}
        assert not said(second_log, "Leader")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        assert wait_for(lambda: said(second_log, "Leader"), 30), second_log.read_text()
        assert wait_for(lambda: {s.pid for s in states().values()} == {second.pid}, 30)
        assert all(s.last_ok for s in states().values())
    finally:
        stop(first)
        if second is not None:
            stop(second)


def test_admins_see_the_jobs_and_their_last_runs(app, client, login):
    from core.job_state import run_recorded

    run_recorded("verification-reminders", 3600, lambda: {"instruments": 2})

    def broken():
        raise RuntimeError("mail server down")
    run_recorded("certificate-batches", 2, broken)
    login(factories.create_user(Role.admin))
    page = client.get("/admin/jobs").get_data(as_text=True)
    table = page.split('id="jobs"')[1]
    # In the reader's language: the job's name and its counts, not a log line.
    assert "检定到期提醒" in table and "已提醒器具 2" in table
    assert "mail server down" in table and "badge-off" in table
    login(factories.create_user(Role.lab_manager))
    assert client.get("/admin/jobs").status_code == 403
