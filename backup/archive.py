"""A backup archive: one .tar.gz holding the database (database/<file>), the stored
files (files/<root>/<name>) and manifest.json, written last, which lists each of them
with its size and SHA-256. Plain Python: no Flask, no database.

Reading unpacks into a staging folder and checks every member against the manifest
before anything of the desk is touched; a member the manifest does not list, a link, a
path that climbs out of its folder or a hash that differs refuses the archive whole."""
import hashlib
import io
import json
import os
import tarfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import PurePosixPath

FORMAT = 1
MANIFEST = "manifest.json"
CHUNK = 1 << 20


class ArchiveRefused(Exception):
    """The archive is not one this desk can restore; the message says why."""


@dataclass(frozen=True)
class Member:
    """A file in the archive: where it sits there, its size, hash and file mode."""
    path: str
    size: int
    sha256: str
    mode: int = 0o644


@dataclass
class Manifest:
    created_at: str                 # UTC, ISO 8601
    revision: str | None            # the database's migration (alembic) revision
    database: dict                  # kind, member, and what the kind adds (schema ...)
    files: list[Member] = field(default_factory=list)
    format: int = FORMAT

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str | bytes) -> "Manifest":
        raw = json.loads(text)
        if raw.get("format") != FORMAT:
            raise ArchiveRefused(f"archive format {raw.get('format')!r} is not {FORMAT}, "
                                 "the one this desk reads")
        database = dict(raw["database"])
        database["member"] = Member(**database["member"])
        files = [Member(**m) for m in raw["files"]]
        if not database["member"].path.startswith("database/") or \
                not all(m.path.startswith("files/") for m in files):
            raise ArchiveRefused("the manifest lists the database or a file out of its place")
        return cls(created_at=raw["created_at"], revision=raw["revision"], database=database,
                   files=files)

    def members(self) -> list[Member]:
        return [self.database["member"], *self.files]


class _Hashing:
    """A file read through, its bytes counted and hashed on the way."""

    def __init__(self, fh):
        self.fh, self.sha256, self.size = fh, hashlib.sha256(), 0

    def read(self, n: int = -1) -> bytes:
        data = self.fh.read(n)
        self.sha256.update(data)
        self.size += len(data)
        return data


class ArchiveWriter:
    """Writes ARCHIVE.partial, readable by its owner only (it holds the signing key and
    people's data), and renames it to ARCHIVE once the manifest is in: a backup that
    failed half-way never looks like one that worked."""

    def __init__(self, path: str):
        self.path, self.partial = path, path + ".partial"
        fd = os.open(self.partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        self._fh = os.fdopen(fd, "wb")
        self._tar = tarfile.open(fileobj=self._fh, mode="w:gz", compresslevel=6)

    def add(self, name: str, source: str) -> Member:
        """Add the file at `source` as `name`, hashing exactly the bytes stored."""
        with open(source, "rb") as fh:
            stat = os.fstat(fh.fileno())
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = stat.st_size, int(stat.st_mtime), 0o600
            reader = _Hashing(fh)
            self._tar.addfile(info, reader)
        return Member(name, reader.size, reader.sha256.hexdigest(), stat.st_mode & 0o777)

    def add_bytes(self, name: str, data: bytes, mode: int = 0o644) -> Member:
        """Add `data` as `name` (a document read from the storage, which keeps no mode)."""
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = len(data), int(time.time()), 0o600
        self._tar.addfile(info, io.BytesIO(data))
        return Member(name, len(data), hashlib.sha256(data).hexdigest(), mode)

    def finish(self, manifest: Manifest) -> None:
        data = manifest.to_json().encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mode, info.mtime = len(data), 0o600, int(os.path.getmtime(self.partial))
        self._tar.addfile(info, io.BytesIO(data))
        self._tar.close()
        self._fh.close()
        os.replace(self.partial, self.path)

    def abandon(self) -> None:
        try:
            self._tar.close()
            self._fh.close()
        finally:
            if os.path.exists(self.partial):
                os.remove(self.partial)


def safe_name(name: str) -> bool:
    """A member name the desk wrote: manifest.json, database/<file> or files/<root>/<path>,
    with no absolute path, no '..', no empty or '.' part."""
    path = PurePosixPath(name)
    parts = path.parts
    if name != path.as_posix() or path.is_absolute() or any(p in ("", ".", "..") for p in parts):
        return False
    return name == MANIFEST or (parts[0] == "database" and len(parts) == 2) or \
        (parts[0] == "files" and len(parts) >= 3)


def unpack_verified(archive: str, staging: str) -> Manifest:
    """Unpack `archive` into the folder `staging` and check it against its manifest:
    exactly the members it lists, each of its size and SHA-256. Raises ArchiveRefused."""
    seen: dict[str, tuple[int, str]] = {}
    manifest_bytes = None
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            for info in tar:
                if not info.isreg() or not safe_name(info.name):
                    raise ArchiveRefused(f"{info.name}: not a file this desk writes in a backup")
                if info.name in seen or (info.name == MANIFEST and manifest_bytes is not None):
                    raise ArchiveRefused(f"{info.name}: twice in the archive")
                source = tar.extractfile(info)
                if info.name == MANIFEST:
                    manifest_bytes = source.read()
                    continue
                target = os.path.join(staging, *PurePosixPath(info.name).parts)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                reader = _Hashing(source)
                with open(target, "wb") as out:
                    while chunk := reader.read(CHUNK):
                        out.write(chunk)
                seen[info.name] = (reader.size, reader.sha256.hexdigest())
    except (tarfile.TarError, EOFError, OSError) as err:
        raise ArchiveRefused(f"cannot read {archive}: {err}") from err
    if manifest_bytes is None:
        raise ArchiveRefused("no manifest.json: not a backup of this desk")
    try:
        manifest = Manifest.from_json(manifest_bytes)
    except (ValueError, KeyError, TypeError) as err:
        raise ArchiveRefused(f"manifest.json does not read: {err}") from err
    listed = {m.path: m for m in manifest.members()}
    if extra := sorted(set(seen) - set(listed)):
        raise ArchiveRefused(f"{extra[0]}: in the archive but not in its manifest")
    if missing := sorted(set(listed) - set(seen)):
        raise ArchiveRefused(f"{missing[0]}: in the manifest but missing from the archive")
    for name, (size, sha256) in sorted(seen.items()):
        if (size, sha256) != (listed[name].size, listed[name].sha256):
            raise ArchiveRefused(f"{name}: {size} bytes, SHA-256 {sha256}, where the manifest "
                                 f"says {listed[name].size} bytes, {listed[name].sha256}: "
                                 "the archive was damaged or altered")
    return manifest
