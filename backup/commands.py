"""`flask backup` and `flask restore`: the whole desk, its database and its stored files,
in one archive and back."""
import os
import tempfile

import click
from alembic.script import ScriptDirectory
from alembic.script.revision import ResolutionError
from alembic.util import CommandError
from flask import current_app
from flask_migrate import upgrade

from backup import archive, database, files
from backup.archive import ArchiveRefused, ArchiveWriter, Manifest
from backup.database import DatabaseRefused
from core import storage
from core.timeutil import utcnow
from extensions import db


def _size(n: int) -> str:
    for unit in ("bytes", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000
    raise AssertionError("unreachable")


def _desk_files() -> files.DeskFiles:
    try:
        return files.DeskFiles.of(storage.current(), current_app.config,
                                  current_app.instance_path)
    except files.FoldersOverlap as err:
        raise click.ClickException(str(err)) from err


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())


@click.command("backup")
@click.argument("path", required=False, type=click.Path(dir_okay=False))
def backup_command(path: str | None):
    """Write the database and every stored file (uploads, certificates, dossiers, from
    the configured storage, and the signing key) into one archive, PATH (default:
    qidesk-backup-<UTC time>.tar.gz here), with a manifest of each one's size and
    SHA-256. Readable by its owner only: it holds the signing key and people's data."""
    engine = db.engine
    created = utcnow()
    path = path or f"qidesk-backup-{created:%Y%m%dT%H%M%SZ}.tar.gz"
    if os.path.exists(path):
        raise click.ClickException(f"{path} exists: name another archive")
    desk_files = _desk_files()
    writer = ArchiveWriter(path)
    try:
        # The copy of the database beside the archive: /tmp is often too small for it.
        with tempfile.TemporaryDirectory(dir=os.path.dirname(os.path.abspath(path)),
                                         prefix=".backup-") as staging:
            # The database first: a file is written before the row naming it commits, so
            # every file the copy names is stored by the time the files are read.
            copy = os.path.join(staging, "database")
            try:
                details = database.dump(engine, copy)
            except DatabaseRefused as err:
                raise click.ClickException(str(err)) from err
            revision = database.revision(engine)
            details["member"] = writer.add(database.MEMBER[details["kind"]], copy)
        described = ", ".join(f"{k} {details[k]}" for k in ("schema", "server_version")
                              if k in details)
        click.echo(f"Database: {details['kind']}{' (' + described + ')' if described else ''}"
                   f", revision {revision}, {_size(details['member'].size)}")
        kept = []
        for stored in desk_files.listed():
            name = f"files/{stored.root}/{stored.name}"
            kept.append(writer.add(name, stored.path) if stored.path else
                        writer.add_bytes(name, desk_files.read(stored)))
        for root in files.ROOTS:
            mine = [m for m in kept if m.path.split("/")[1] == root]
            click.echo(f"Files, {root}: {len(mine)} ({_size(sum(m.size for m in mine))}) "
                       f"from {desk_files.where(root)}")
        writer.finish(Manifest(created_at=created.strftime("%Y-%m-%dT%H:%M:%SZ"),
                               revision=revision, database=details, files=kept))
    except BaseException:
        writer.abandon()
        raise
    click.echo(f"Backup written: {path} ({_size(os.path.getsize(path))}, "
               f"{len(kept)} files and the database, each with its SHA-256 in manifest.json)")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", is_flag=True,
              help="Replace a database that holds rows, and files that differ.")
def restore_command(path: str, force: bool):
    """Put the database and stored files of a `flask backup` archive in place, then
    migrate the database up to this code's revision. Checks every file against the
    manifest before writing anything; refuses a database that holds rows, or files that
    would be overwritten with other content, unless --force. Stop the desk (web and
    worker) first."""
    db.session.remove()    # nothing of this process may hold a table while it is replaced
    engine = db.engine
    desk_files = _desk_files()
    scripts = _scripts()
    # Unpacked in the instance folder, which has room for the desk's data (/tmp often
    # has not); nothing of the desk is written until every file has been checked.
    with tempfile.TemporaryDirectory(dir=current_app.instance_path,
                                     prefix=".restore-") as staging:
        try:
            manifest = archive.unpack_verified(path, staging)
        except ArchiveRefused as err:
            raise click.ClickException(f"{path} refused, nothing restored: {err}") from err
        _check_revision(scripts, manifest.revision)
        unknown = sorted({m.path.split("/")[1] for m in manifest.files} - set(files.ROOTS))
        if unknown:
            raise click.ClickException(f"the archive holds files of {', '.join(unknown)}, "
                                       "which this desk does not keep; nothing restored")
        if odd := [m.path for m in manifest.files
                   if not files.storable(*m.path.split("/", 2)[1:])]:
            raise click.ClickException(f"{odd[0]}: not a name the desk's storage can keep; "
                                       "nothing restored")
        click.echo(f"Checked {path}: made {manifest.created_at} at revision "
                   f"{manifest.revision}; the database ({manifest.database['kind']}) and "
                   f"{len(manifest.files)} files match the manifest")
        _refuse_overwriting(engine, desk_files, manifest, force)

        staged = os.path.join(staging, *manifest.database["member"].path.split("/"))
        try:
            where = database.restore(engine, staged, manifest.database)
        except DatabaseRefused as err:
            raise click.ClickException(f"database not restored: {err}") from err
        click.echo(f"Database restored into the {where}")
        written = same = 0
        for member in manifest.files:
            _files, root, name = member.path.split("/", 2)
            if desk_files.put(root, name, os.path.join(staging, *member.path.split("/")),
                              member.sha256, member.mode):
                written += 1
            else:
                same += 1
        listed = {tuple(m.path.split("/", 2)[1:]) for m in manifest.files}
        left = [f for f in desk_files.listed() if (f.root, f.name) not in listed]
        click.echo(f"Files: {written} written, {same} already there, {len(left)} left in "
                   "place that the archive does not hold")
    head = scripts.get_current_head()
    if manifest.revision != head:
        upgrade()
        click.echo(f"Migrated the database from revision {manifest.revision} to {head}")
    else:
        click.echo(f"The database is at revision {head}, this code's")


def _check_revision(scripts: ScriptDirectory, revision: str | None) -> None:
    try:
        known = revision is not None and scripts.get_revision(revision) is not None
    except (ResolutionError, CommandError):
        known = False
    if not known:
        raise click.ClickException(
            f"the archive's database is at revision {revision}, which this code does not "
            "know (made by a newer desk?): restore it with the code that made it; nothing "
            "restored")


def _refuse_overwriting(engine, desk_files: files.DeskFiles, manifest: Manifest,
                        force: bool) -> None:
    full = database.tables_with_rows(engine)
    clashing = [m.path for m in manifest.files
                if desk_files.differs(*m.path.split("/", 2)[1:], m.sha256)]
    if force or not (full or clashing):
        return
    why = []
    if full:
        why.append(f"the database holds rows ({len(full)} tables, such as "
                   f"{', '.join(full[:3])})")
    if clashing:
        why.append(f"stored files differ from the archive's ({len(clashing)}, such as "
                   f"{', '.join(clashing[:3])})")
    raise click.ClickException("; ".join(why) + ". Nothing restored: add --force to replace "
                               "them with the archive's.")
