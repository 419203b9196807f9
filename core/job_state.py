"""What each background job last did, for the administrators' jobs page."""
import json
import os
import socket
import traceback
from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.timeutil import utcnow
from extensions import db


class JobState(db.Model):
    __tablename__ = "job_states"

    job: Mapped[str] = mapped_column(String(60), primary_key=True)
    every_seconds: Mapped[int] = mapped_column(Integer, default=0)
    runs: Mapped[int] = mapped_column(Integer, default=0)
    last_started: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_finished: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_ok: Mapped[bool | None] = mapped_column()
    last_result: Mapped[str] = mapped_column(Text, default="")
    last_error: Mapped[str] = mapped_column(Text, default="")
    # Which worker ran it last: the leader, as pg_locks or `ps` would name it.
    host: Mapped[str] = mapped_column(String(100), default="")
    pid: Mapped[int] = mapped_column(Integer, default=0)


def run_recorded(job: str, every: int, function) -> None:
    """Run `function()` (inside an app context), recording start, end, outcome and
    what it returned in the job's row. A failure is recorded, not raised: the
    scheduler keeps running the other jobs."""
    state = db.session.get(JobState, job) or JobState(job=job)
    state.every_seconds, state.last_started = every, utcnow()
    state.host, state.pid = socket.gethostname()[:100], os.getpid()
    db.session.add(state)
    db.session.commit()
    try:
        result = function()
    except Exception:
        db.session.rollback()
        ok, result, error = False, "", traceback.format_exc(limit=5)[-4000:]
    else:
        ok, error = True, ""
    state = db.session.get(JobState, job)
    state.runs += 1
    state.last_finished, state.last_ok = utcnow(), ok
    # Counts are kept as JSON, so the jobs page can word them in the reader's language.
    kept = json.dumps(result, sort_keys=True) if isinstance(result, dict) else (
        "" if result is None else str(result))
    state.last_result, state.last_error = kept[:500], error
    db.session.commit()
