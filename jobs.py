"""Background work, run by one worker process (`flask worker`) with APScheduler,
never inside the web workers: APScheduler runs every job once per process that
starts a scheduler."""
import logging

import click
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask, current_app

from core.timeutil import utcnow
from extensions import db


def certificate_batches(app: Flask) -> None:
    """Issue queued certificate batches, oldest first, until none is left."""
    from blueprints.certificates.batches import run_next_batch

    with app.app_context():
        try:
            while run_next_batch() is not None:
                pass
        finally:
            db.session.remove()


def verification_reminders(app: Flask) -> None:
    """Remind owners of instruments falling due within 30 days (each due date once)."""
    from blueprints.metrology.reminders import send_due_reminders
    from core.timeutil import local_today

    with app.app_context(), app.test_request_context():  # links in the notifications
        try:
            send_due_reminders(local_today())
        finally:
            db.session.remove()


# (id, function, every so many seconds)
JOBS = [
    ("certificate-batches", certificate_batches, 2),
    ("verification-reminders", verification_reminders, 3600),
]


@click.command("worker")
def worker_command():
    """Run the background jobs until stopped. Start exactly one worker."""
    from blueprints.certificates.batches import requeue_interrupted

    logging.basicConfig(level=logging.INFO, format="%(asctime)s worker %(message)s")
    app = current_app._get_current_object()
    requeued = requeue_interrupted()
    if requeued:
        click.echo(f"Resuming {requeued} batch(es) left running by a previous worker.")
    scheduler = BlockingScheduler(timezone="UTC")
    for job_id, function, seconds in JOBS:
        scheduler.add_job(function, "interval", seconds=seconds, id=job_id, args=[app],
                          max_instances=1, coalesce=True, next_run_time=utcnow())
    click.echo("Worker started: " + ", ".join(job_id for job_id, _f, _s in JOBS))
    scheduler.start()
