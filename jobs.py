"""Background work, run by the worker process (`flask worker`) with APScheduler, never
inside the web workers: APScheduler runs every job once per process that starts a
scheduler. Workers elect one leader (core.leadership); the others wait as standby."""
import logging
import os

import click
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask, current_app

from blueprints.catalogue.standard_watch import watch
from blueprints.certificates.batches import requeue_interrupted, run_next_batch
from blueprints.clinic.alerts import ask_for_benefits
from blueprints.clinic.alerts import send_answer_alerts as clinic_answers
from blueprints.dashboards.refresh import refresh as refresh_figures
from blueprints.metrology.reminders import send_campaign_reminders, send_due_reminders
from blueprints.notifications.mail import deliver_pending
from blueprints.scheduling.reminders import send_booking_reminders
from blueprints.service_requests.alerts import send_answer_alerts, send_digests, send_due_alerts
from blueprints.service_requests.open_work import recount as recount_open_work
from blueprints.standards.import_runs import requeue_interrupted as requeue_imports
from blueprints.standards.import_runs import run_next_import
from core.job_state import run_recorded
from core.leadership import SchedulerLock
from core.timeutil import local_today, utcnow
from extensions import db

log = logging.getLogger("qidesk.worker")


def certificate_batches() -> dict | None:
    """Issue queued certificate batches, oldest first, until none is left."""
    done = []
    while (batch_id := run_next_batch()) is not None:
        done.append(batch_id)
    return {"batches": len(done)} if done else None


def verification_reminders() -> dict:
    """Remind owners of instruments falling due within 30 days (each due date once)."""
    return {"instruments": send_due_reminders(local_today())}


def outgoing_mail() -> dict | None:
    """Deliver the outbox over SMTP (retries wait; the last failure stays listed)."""
    sent, failed = deliver_pending(current_app.config)
    return {"sent": sent, "failed": failed} if sent or failed else None


def deadline_alerts() -> dict | None:
    """Warn lab managers of answers and due dates coming up, and of those missed."""
    now = utcnow()
    answers, due = send_answer_alerts(now), send_due_alerts(now)
    return {"answer_alerts": answers, "due_alerts": due} if answers or due else None


def booking_reminders() -> dict | None:
    """Remind applicants of tomorrow's drop-offs (each booking once)."""
    sent = send_booking_reminders(utcnow())
    return {"bookings": sent} if sent else None


def campaign_reminders() -> dict | None:
    """Remind vendors of tomorrow's free verification day (each request once)."""
    sent = send_campaign_reminders(utcnow())
    return {"vendors": sent} if sent else None


def morning_digest() -> dict | None:
    """Each lab manager's digest of the day: new, due today, overdue (once a day)."""
    sent = send_digests(utcnow())
    return {"digests": sent} if sent else None


def standard_watch() -> dict | None:
    """标准查新: relink services' methods, tell labs and followers of changed standards."""
    return watch()


def standard_imports() -> dict | None:
    """Carry out queued imports of the standards catalogue, oldest first."""
    done = []
    while (import_id := run_next_import()) is not None:
        done.append(import_id)
    return {"imports": len(done)} if done else None


def clinic_alerts() -> dict | None:
    """Remind experts of dispatches to answer; tell the desk of those not answered."""
    sent = clinic_answers(utcnow())
    return {"clinic_alerts": sent} if sent else None


def dashboard_figures() -> dict | None:
    """Bring the dashboards' figures up to the audit trail (what changed since)."""
    done = refresh_figures()
    return done if done["events"] else None


def open_work() -> dict | None:
    """Recount each lab's open items per service (routing's queue), mending any drift."""
    mended = recount_open_work()
    return {"open_work_mended": mended} if mended else None


def clinic_benefits() -> dict | None:
    """Ask enterprises what a case resolved 90 days ago brought them."""
    asked = ask_for_benefits(utcnow())
    return {"benefits_asked": asked} if asked else None


# (id, function, every so many seconds; JOB_INTERVALS in the config overrides). Each
# returns its counts ({"sent": 3, ...}) or None; the jobs page words them
# (admin/labels.py), in the reader's language.
JOBS = [
    ("certificate-batches", certificate_batches, 2),
    ("standard-imports", standard_imports, 2),
    ("outgoing-mail", outgoing_mail, 10),
    ("deadline-alerts", deadline_alerts, 300),
    ("booking-reminders", booking_reminders, 900),
    ("campaign-reminders", campaign_reminders, 900),
    ("morning-digest", morning_digest, 900),
    ("verification-reminders", verification_reminders, 3600),
    ("standard-watch", standard_watch, 600),
    ("clinic-alerts", clinic_alerts, 300),
    ("clinic-benefits", clinic_benefits, 3600),
    ("dashboard-figures", dashboard_figures, 120),
    ("open-work", open_work, 3600),
]


def _run(app: Flask, job: str, every: int, function) -> None:
    # A request context as well, on the public address: what jobs render (mails,
    # certificates) may use url_for, and its links must be the ones people follow.
    with app.app_context(), app.test_request_context(base_url=app.config["PUBLIC_URL"]):
        try:
            run_recorded(job, every, function)
        finally:
            db.session.remove()


def _check_leadership(lock: SchedulerLock) -> None:
    if not lock.still_held():
        log.error("lost the scheduler lock (database connection gone); stopping so a "
                  "standby can lead")
        logging.shutdown()
        os._exit(3)


@click.command("worker")
def worker_command():
    """Run the background jobs until stopped. Start one or more: the first leads, the
    others wait as standby and take over when it dies."""

    logging.basicConfig(level=logging.INFO, format="%(asctime)s worker %(message)s")
    # APScheduler logs every run at INFO (every 2 s here): the jobs page keeps the runs.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    app = current_app._get_current_object()
    lock = SchedulerLock(db.engine, app.instance_path)
    lock.wait(on_standby=lambda: click.echo(
        f"Standby (pid {os.getpid()}): another worker leads; waiting to take over.",
        err=False))
    click.echo(f"Leader (pid {os.getpid()}).")
    requeued = requeue_interrupted()
    db.session.remove()
    if requeued:
        click.echo(f"Resuming {requeued} batch(es) left running by a previous worker.")
    if requeue_imports():
        click.echo("Restarting the standards import left running by a previous worker.")
    db.session.remove()
    intervals = app.config.get("JOB_INTERVALS") or {}
    scheduler = BlockingScheduler(timezone="UTC")
    for job_id, function, seconds in JOBS:
        every = int(intervals.get(job_id, seconds))
        scheduler.add_job(_run, "interval", seconds=every, id=job_id, name=job_id,
                          args=[app, job_id, every, function], max_instances=1,
                          coalesce=True, next_run_time=utcnow())
    scheduler.add_job(_check_leadership, "interval", seconds=10, id="leadership",
                      args=[lock], max_instances=1, coalesce=True)
    click.echo("Worker started: " + ", ".join(job_id for job_id, _f, _s in JOBS), err=False)
    scheduler.start()
