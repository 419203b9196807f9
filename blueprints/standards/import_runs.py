"""Imports of the standards catalogue from a file, run in the worker process: the run
is queued when an administrator uploads the file, then read, planned (importing.py) and,
unless it is a dry run, applied in chunks of rows, each chunk one commit with the run's
progress and its report lines. A run that stops part-way leaves whole chunks applied;
importing the same file again finishes the rest, since an import is idempotent (keyed
on the normalised number; an edition a row replaces, under 代替标准号, is marked only
while it is not yet replaced by that row)."""
import hashlib
import logging
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime
from enum import StrEnum
from types import SimpleNamespace

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, Text, delete, select
from sqlalchemy import update as sql_update
from sqlalchemy.orm import Mapped, aliased, mapped_column, relationship

from blueprints.audit.models import record_event
from blueprints.standards import importing
from blueprints.standards.importing import Outcome
from blueprints.standards.models import Adoption, Standard, StandardStatus
from blueprints.standards.search import settle_index
from core import storage
from core.models import TimestampMixin, enum_column
from core.request_guards import clean_filename
from core.roles import Role
from core.timeutil import utcnow
from core.uploads import MAX_UPLOAD
from extensions import db

log = logging.getLogger(__name__)
CONTENT_TYPES = {"csv": "text/csv",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
CHUNK = 1000   # rows a commit
LOOKUP = 500   # numbers an IN (...) query


class ImportState(StrEnum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"


# state × action -> next state. "requeue" is the worker's, on starting, for a run left
# running by a worker that died.
TRANSITIONS = {
    (ImportState.queued, "start"): ImportState.running,
    (ImportState.running, "finish"): ImportState.done,
    (ImportState.queued, "fail"): ImportState.failed,
    (ImportState.running, "fail"): ImportState.failed,
    (ImportState.running, "requeue"): ImportState.queued,
}


class RunRefused(Exception):
    """The step does not apply to the run in its state; `code` names the step."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


class StandardImport(TimestampMixin, db.Model):
    """One file imported into the catalogue (or checked, for a dry run)."""
    __tablename__ = "standard_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(200))         # as the uploader named it
    kind: Mapped[str] = mapped_column(String(8))               # "csv" or "xlsx"
    stored_name: Mapped[str] = mapped_column(String(80))       # its key's last part
    size: Mapped[int] = mapped_column(default=0)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    dry_run: Mapped[bool] = mapped_column(default=True)
    # The dry run of the same file this run applies, when started from one.
    follows_id: Mapped[int | None] = mapped_column(ForeignKey("standard_imports.id"))
    state: Mapped[ImportState] = enum_column(ImportState, default=ImportState.queued,
                                             index=True)
    total: Mapped[int] = mapped_column(default=0)   # rows read
    done: Mapped[int] = mapped_column(default=0)
    added: Mapped[int] = mapped_column(default=0)
    changed: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    refused: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    uploaded_by: Mapped["User"] = relationship()  # noqa: F821
    follows: Mapped["StandardImport | None"] = relationship(remote_side=[id],
                                                            back_populates="followers")
    followers: Mapped[list["StandardImport"]] = relationship(back_populates="follows")

    def allows(self, user, action: str = "view") -> bool:
        """Imports are the administrators'."""
        return user.is_authenticated and user.role == Role.admin

    @property
    def key(self) -> str:
        """Where its file is stored (core/storage.py), for the worker to read."""
        return import_key(self.stored_name)

    def can(self, action: str) -> bool:
        return (self.state, action) in TRANSITIONS

    def _move(self, action: str) -> None:
        if not self.can(action):
            raise RunRefused(action)
        self.state = TRANSITIONS[(self.state, action)]

    def start(self) -> None:
        self._move("start")
        self.started_at, self.finished_at, self.error = utcnow(), None, ""
        self.total = self.done = 0

    def finish(self, counts: dict[str, int]) -> None:
        self._move("finish")
        for outcome in Outcome:
            setattr(self, outcome.value, counts.get(outcome.value, 0))
        self.done, self.finished_at = self.total, utcnow()

    def fail(self, error: str) -> None:
        self._move("fail")
        self.error, self.finished_at = (error or "error")[:500], utcnow()

    def requeue(self) -> None:
        self._move("requeue")

    def can_apply(self) -> bool:
        """A finished dry run may be applied, once."""
        return self.dry_run and self.state == ImportState.done and not self.followers

    def apply(self, user) -> "StandardImport":
        """A queued real run of this dry run's file. Raises RunRefused("apply")."""
        if not self.can_apply():
            raise RunRefused("apply")
        run = StandardImport(filename=self.filename, kind=self.kind,
                             stored_name=self.stored_name, size=self.size, sha256=self.sha256,
                             uploaded_by_id=user.id, dry_run=False, follows=self)
        db.session.add(run)
        return run

    @property
    def is_live(self) -> bool:
        return self.state in (ImportState.queued, ImportState.running)

    @property
    def is_done(self) -> bool:
        return self.state == ImportState.done

    @property
    def has_failed(self) -> bool:
        return self.state == ImportState.failed

    @property
    def percent(self) -> int:
        return 100 if not self.total else self.done * 100 // self.total


class StandardImportLine(db.Model):
    """One row of a run's report: added, changed (field, old, new) or refused (why).
    Unchanged rows are counted, not listed."""
    __tablename__ = "standard_import_lines"
    __table_args__ = (Index("ix_standard_import_lines_run", "import_id", "line"),
                      Index("ix_standard_import_lines_outcome", "import_id", "outcome", "line"))

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("standard_imports.id",
                                                      ondelete="CASCADE"))
    line: Mapped[int] = mapped_column()
    code: Mapped[str] = mapped_column(String(80), default="")
    outcome: Mapped[Outcome] = enum_column(Outcome)
    reason: Mapped[str] = mapped_column(String(40), default="")
    detail: Mapped[dict | None] = mapped_column(JSON)
    changes: Mapped[list | None] = mapped_column(JSON)


# Reading the catalogue and writing to it ----------------------------------------------

_VALUE_COLUMNS = [f for f in importing.FIELDS if f not in ("code", "replaced_by")]


def _values(row) -> dict:
    values = dict(zip(["code", *_VALUE_COLUMNS, "replaced_by"], row, strict=True))
    values["status"] = StandardStatus(values["status"]).value
    values["adoption"] = Adoption(values["adoption"]).value
    values["replaced_by"] = values["replaced_by"] or ""
    return values


def _catalogue_select():
    replacing = aliased(Standard)
    return (select(Standard.code, *(getattr(Standard, f) for f in _VALUE_COLUMNS),
                   replacing.code)
            .outerjoin(replacing, Standard.replaced_by_id == replacing.id))


def _catalogue_by(column, values: Iterable[str]) -> dict[str, dict]:
    """The catalogue's values (importing.FIELDS) of the editions whose `column` is one
    of `values`, by number, read LOOKUP values a query."""
    values, found = sorted(set(values)), {}
    for start in range(0, len(values), LOOKUP):
        rows = db.session.execute(_catalogue_select().where(
            column.in_(values[start:start + LOOKUP])))
        found.update((row[0], _values(row)) for row in rows)
    return found


def catalogue_values(codes: Iterable[str]) -> dict[str, dict]:
    """The catalogue's values of these editions, by number."""
    return _catalogue_by(Standard.code, codes)


def catalogue_editions(keys: Iterable[str]) -> dict[str, dict]:
    """The catalogue's values of every edition of these standards (by key, "GB/T
    3920"), by number: what the import resolves an undated 代替标准号 against."""
    return _catalogue_by(Standard.key, keys)


def _replaced_lists() -> dict[str, list[str]]:
    """The editions each edition replaced, by its number (the rows that point at it)."""
    replacing = aliased(Standard)
    found: dict[str, list[str]] = {}
    for successor, code in db.session.execute(
            select(replacing.code, Standard.code)
            .join(replacing, Standard.replaced_by_id == replacing.id)
            .order_by(Standard.code)):
        found.setdefault(successor, []).append(code)
    return found


def catalogue_rows() -> Iterable[dict]:
    """Every edition's values, by number, for an export (streamed), with "replaces":
    the editions whose replaced_by points at it, so that 代替标准号 and 被代替标准号 say
    the same links and an export imported back changes nothing."""
    replaced = _replaced_lists()
    rows = db.session.execute(_catalogue_select().order_by(Standard.code)
                              .execution_options(yield_per=2000))
    return ({**_values(row), "replaces": replaced.get(row[0], [])} for row in rows)


def _ids(codes: Iterable[str]) -> dict[str, int]:
    codes, found = sorted(set(codes)), {}
    for start in range(0, len(codes), LOOKUP):
        found.update(db.session.execute(select(Standard.code, Standard.id).where(
            Standard.code.in_(codes[start:start + LOOKUP]))).all())
    return found


def _fields(values: dict) -> dict:
    out = {f: values[f] for f in _VALUE_COLUMNS}
    out["status"], out["adoption"] = StandardStatus(out["status"]), Adoption(out["adoption"])
    return out


def _apply_chunk(lines: list[importing.Line]) -> None:
    """Write the chunk's added and changed rows, an edition another row replaces among
    them (their replacement links come after the last chunk, when every row is
    there)."""
    changed = [line for line in lines if line.outcome == Outcome.changed]
    if changed:
        rows = {s.code: s for s in db.session.scalars(
            select(Standard).where(Standard.code.in_([line.code for line in changed])))}
        for line in changed:
            row, fields = rows[line.code], _fields(line.values)
            for name, _old, _new in line.changes:
                if name != "replaced_by":
                    setattr(row, name, fields[name])
            row.reindex()
    added = [_new_row(line) for line in lines if line.outcome == Outcome.added]
    db.session.flush()
    if added:
        db.session.execute(Standard.__table__.insert(), added)  # one executemany


def _new_row(line: importing.Line) -> dict:
    """An added edition's columns, as Standard.from_reference and reindex() make them.
    Plain values, one executemany a chunk: the ORM would build an object a row and, on
    SQLite, send one INSERT a row to read the ids back (a quarter of the import's time
    for 76,000 rows, measured)."""
    ref = line.ref
    row = SimpleNamespace(code=str(ref), key=ref.key, prefix=ref.prefix, year=ref.year,
                          all_parts=ref.all_parts, **_fields(line.values))
    Standard.reindex(row)
    return vars(row)


def _link(lines: list[importing.Line]) -> int:
    """Point each added or changed row at the edition that replaced it (or at none).
    Returns how many links were written."""
    moved = [line for line in lines
             if (line.outcome == Outcome.added and line.values.get("replaced_by"))
             or (line.outcome == Outcome.changed
                 and any(name == "replaced_by" for name, _o, _n in line.changes))]
    if not moved:
        return 0
    ids = _ids([line.code for line in moved]
               + [line.values["replaced_by"] for line in moved if line.values["replaced_by"]])
    for start in range(0, len(moved), CHUNK):
        db.session.execute(sql_update(Standard), [
            {"id": ids[line.code], "replaced_by_id": ids.get(line.values["replaced_by"])}
            for line in moved[start:start + CHUNK]])
    return len(moved)


def carry_out(data: bytes, dry_run: bool, on_read: Callable[[int], None] | None = None,
              on_chunk: Callable[[list[importing.Line], int], None] | None = None
              ) -> importing.Plan:
    """Read the file, plan it against the catalogue and, unless `dry_run`, apply it:
    CHUNK lines at a time, each chunk followed by `on_chunk(lines, rows done)` (which
    commits; the lines that report another row's effect are not rows of the file), then
    the replacement links. `on_read(rows)` is told the size first.
    Raises importing.UnreadableFile."""
    sheet = importing.read(data)
    if on_read is not None:
        on_read(len(sheet.rows))
    lines = importing.check_rows(sheet)
    existing = catalogue_values(importing.codes_of(lines))
    keys = importing.keys_of(lines)
    if keys:
        existing.update(catalogue_editions(keys))
    plan = importing.compare(sheet, lines, existing)
    done = 0
    for start in range(0, len(plan.lines), CHUNK):
        lines = plan.lines[start:start + CHUNK]
        if not dry_run:
            _apply_chunk(lines)
        done += sum(1 for line in lines if not line.by)
        if on_chunk is not None:
            on_chunk(lines, done)
    if not dry_run:
        _link(plan.lines)
    return plan


def import_file(filename: str, data: bytes, dry_run: bool = False) -> dict:
    """Import a catalogue file now, inside an app context, by the same steps as a
    queued run (for scripts and benchmarks): committed chunk by chunk, with one audit
    event. Returns the counts {"added": n, "changed": n, "unchanged": n, "refused": n}.
    Raises importing.UnreadableFile."""
    plan = carry_out(data, dry_run, on_chunk=lambda _lines, _done: db.session.commit())
    counts = plan.counts
    if not dry_run:
        record_event(None, "standards", None, "catalogue_imported",
                     after={"file": clean_filename(filename), **counts})
        settle_index()
    db.session.commit()
    return counts


# Runs ------------------------------------------------------------------------------

def import_key(stored_name: str) -> str:
    return storage.key(storage.UPLOADS, "standard-imports", stored_name)


def queue(user, filename: str, data: bytes, dry_run: bool) -> StandardImport:
    """Keep the file and queue its import (a dry run unless `dry_run` is False). The
    file is taken by its content: a CSV that decodes as text, or an .xlsx, with a
    column of standard numbers, at most MAX_UPLOAD bytes. Raises
    importing.UnreadableFile; nothing is kept then."""
    if len(data) > MAX_UPLOAD:
        raise importing.UnreadableFile("too_large")
    kind = importing.check(data)
    stored = uuid.uuid4().hex
    storage.put(import_key(stored), data, CONTENT_TYPES[kind])
    run = StandardImport(filename=clean_filename(filename), kind=kind, stored_name=stored,
                         size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                         uploaded_by_id=user.id, dry_run=dry_run)
    db.session.add(run)
    db.session.flush()
    return run


def _report(run_id: int, lines: list[importing.Line]) -> None:
    rows = [{"import_id": run_id, **line.report()} for line in lines
            if line.outcome != Outcome.unchanged]
    if rows:
        db.session.execute(StandardImportLine.__table__.insert(), rows)  # one executemany


def run_import(import_id: int) -> StandardImport | None:
    """Carry out a queued run: progress and report lines committed chunk by chunk, the
    counts and (for a real run) one audit event at the end. An error leaves the run
    failed with what was applied so far kept; nothing is raised."""
    run = db.session.get(StandardImport, import_id)
    if run is None or not run.can("start"):
        return run
    run.start()
    db.session.execute(delete(StandardImportLine).where(StandardImportLine.import_id == run.id))
    db.session.commit()

    def on_read(rows: int) -> None:
        run.total = rows
        db.session.commit()

    def on_chunk(lines: list[importing.Line], done: int) -> None:
        _report(run.id, lines)
        run.done = done
        db.session.commit()

    try:
        data = storage.get(run.key, sha256=run.sha256)
        plan = carry_out(data, run.dry_run, on_read, on_chunk)
        run.finish(plan.counts)
        if not run.dry_run:
            record_event(run.uploaded_by, "standard_imports", run.id, "catalogue_imported",
                         after={"file": run.filename, **plan.counts})
            settle_index()
        db.session.commit()
    except Exception as err:
        db.session.rollback()
        log.exception("standards import %s stopped", import_id)
        run = db.session.get(StandardImport, import_id)
        run.fail(err.code if isinstance(err, importing.UnreadableFile)
                 else str(err) or type(err).__name__)
        db.session.commit()
    return run


def run_next_import() -> int | None:
    """Carry out the oldest queued run, if any; returns its id."""
    import_id = db.session.scalar(select(StandardImport.id).where(
        StandardImport.state == ImportState.queued).order_by(StandardImport.id).limit(1))
    if import_id is not None:
        run_import(import_id)
    return import_id


def requeue_interrupted() -> int:
    """Runs left running by a worker that died go back to the queue (an import is
    idempotent, so it simply starts again). Returns how many."""
    stuck = db.session.scalars(select(StandardImport).where(
        StandardImport.state == ImportState.running)).all()
    for run in stuck:
        run.requeue()
    db.session.commit()
    return len(stuck)
