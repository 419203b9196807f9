"""One scheduler at a time. On PostgreSQL a session advisory lock, held on a
connection of its own for the life of the process: a second worker waits as standby
and takes over when the holder dies (its connection closes, the lock goes with it).
On SQLite, a single machine's desk, an exclusive lock on a file in the instance
folder does the same."""
import fcntl
import os
import time

from sqlalchemy import text

# pg advisory locks take a bigint; "QIDESK" in ASCII, so it reads in pg_locks.
LOCK_KEY = 0x514944455348


class SchedulerLock:
    def __init__(self, engine, instance_path: str):
        self.engine = engine
        self.path = os.path.join(instance_path, "scheduler.lock")
        self._conn = None
        self._file = None

    @property
    def on_postgresql(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    def try_acquire(self) -> bool:
        """Take the lock if it is free; True when this process now holds it."""
        if self.on_postgresql:
            conn = self._conn or self.engine.connect()
            got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": LOCK_KEY}).scalar()
            conn.commit()
            if got:
                self._conn = conn
            elif self._conn is None:
                conn.close()
            return bool(got)
        handle = self._file or open(self.path, "a+")  # noqa: SIM115  (held while we lead)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if self._file is None:
                handle.close()
            return False
        self._file = handle
        return True

    def wait(self, every: float = 2.0, on_standby=None) -> None:
        """Block until this process holds the lock (the standby's wait)."""
        told = False
        while not self.try_acquire():
            if on_standby and not told:
                on_standby()
                told = True
            time.sleep(every)

    def still_held(self) -> bool:
        """False when the lock was lost (the database connection went away)."""
        if not self.on_postgresql:
            return self._file is not None
        try:
            return bool(self._conn.execute(text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                "AND pid = pg_backend_pid() AND ((classid::bigint << 32) | objid::bigint) = :k"),
                {"k": LOCK_KEY}).scalar())
        except Exception:  # the connection is gone, and the lock with it
            return False
        finally:
            if self._conn is not None and not self._conn.closed:
                self._conn.rollback()
