"""The documents the desk writes and hands out again: issued certificates and their
batches' ZIP and merged PDF, quality-credit dossiers, and the files people upload
(attachments, licences, evidence, standards catalogues). Each is kept under a key such
as "certificates/3f2a….pdf", in the instance folders (STORAGE_BACKEND "local", the
default) or in an S3-compatible bucket ("s3", core/s3_storage.py), so that several web
nodes and the worker read the same files.

A key's first segment names its area, and on the local back end the folder it has
always had (UPLOAD_FOLDER, CERTIFICATE_FOLDER, DOSSIER_FOLDER): the names the records
keep still find their files, with nothing to move.

Signature images are not kept here: they are a few kilobytes each, live in the database
with their user (users.signature_png) and are read with the signatories in one query."""
import contextlib
import hashlib
import io
import logging
import os
import re
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator

from flask import Flask, current_app, send_file

log = logging.getLogger(__name__)

UPLOADS, CERTIFICATES, DOSSIERS = "uploads", "certificates", "dossiers"
# Each area's setting for its local folder (default: instance/<area>).
FOLDER_SETTINGS = {UPLOADS: "UPLOAD_FOLDER", CERTIFICATES: "CERTIFICATE_FOLDER",
                   DOSSIERS: "DOSSIER_FOLDER"}
BACKENDS = ("local", "s3")
# Letters, digits, dot, dash and underscore, not starting with a dot: no "..", no
# hidden files, nothing a file system or a URL reads in another way.
_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


class BadKey(ValueError):
    """The key is not a relative path of plain names under one of the areas."""


class NotFound(LookupError):
    """Nothing is stored under the key."""

    def __init__(self, key: str):
        super().__init__(f"nothing is stored under {key}")
        self.key = key


class Altered(Exception):
    """The stored bytes are not the ones whose SHA-256 was recorded when they were
    written: changed or damaged since, so they are never handed out."""

    def __init__(self, key: str, expected: str, found: str):
        super().__init__(f"{key} does not match its recorded SHA-256 "
                         f"(recorded {expected}, stored file {found}); not served")
        self.key, self.expected, self.found = key, expected, found


class StorageConfigError(RuntimeError):
    """STORAGE_BACKEND, or what it needs, is not set right."""


def key(*parts: str) -> str:
    """The key of `parts` ("certificates", "batches", "7-ab12.zip"). Raises BadKey."""
    return check_key("/".join(parts))


def check_key(value: str) -> str:
    """`value` when it is an area followed by one or more plain names; raises BadKey
    otherwise (absolute, "..", empty or odd segments, an unknown area)."""
    segments = value.split("/") if isinstance(value, str) else []
    if len(segments) < 2 or segments[0] not in FOLDER_SETTINGS \
            or not all(_SEGMENT.fullmatch(s) for s in segments[1:]):
        raise BadKey(f"not a document key: {value!r}")
    return value


class Storage(ABC):
    """What every back end offers. Keys are checked here, and a document read with the
    SHA-256 recorded for it is compared with it, whichever back end holds the bytes."""

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store `data` under `key`, replacing what was there; whole or not at all."""
        self._write(check_key(key), data, content_type)

    def get(self, key: str, sha256: str | None = None) -> bytes:
        """The bytes stored under `key`. With `sha256`, only if they still hash to it.
        Raises NotFound, or Altered (logged) when they do not match."""
        data = self._read(check_key(key))
        if sha256 is not None:
            found = hashlib.sha256(data).hexdigest()
            if found != sha256:
                err = Altered(key, sha256, found)
                log.error("%s", err)
                raise err
        return data

    def exists(self, key: str) -> bool:
        return self._exists(check_key(key))

    def delete(self, key: str) -> None:
        """Remove what is stored under `key`; nothing there is not an error."""
        self._delete(check_key(key))

    def keys(self, area: str) -> Iterator[str]:
        """Every key stored under `area`, in order. What is there under a name no key
        can have (a write's temporary file, a stray file) is passed over, and logged."""
        if area not in FOLDER_SETTINGS:
            raise BadKey(f"not a document area: {area!r}")
        return _only_keys(self._keys(area))

    @abstractmethod
    def where(self, area: str) -> str:
        """Where the area's documents are kept, for people to read."""

    # What a back end does with a key already checked.
    @abstractmethod
    def _write(self, key: str, data: bytes, content_type: str) -> None: ...

    @abstractmethod
    def _read(self, key: str) -> bytes: ...

    @abstractmethod
    def _exists(self, key: str) -> bool: ...

    @abstractmethod
    def _delete(self, key: str) -> None: ...

    @abstractmethod
    def _keys(self, area: str) -> Iterable[str]: ...


def _only_keys(found: Iterable[str]) -> Iterator[str]:
    for name in found:
        try:
            yield check_key(name)
        except BadKey:
            log.warning("%s is stored under a name that is not a document key; passed over",
                        name)


class LocalStorage(Storage):
    """Files in the instance folders, one folder an area, as the desk always kept them."""

    def __init__(self, folders: dict[str, str]):
        self.folders = folders

    def path(self, key: str) -> str:
        area, *rest = check_key(key).split("/")
        return os.path.join(self.folders[area], *rest)

    def _write(self, key: str, data: bytes, content_type: str) -> None:
        path = self.path(key)
        folder = os.path.dirname(path)
        os.makedirs(folder, exist_ok=True)
        # Written beside, then renamed over: a reader sees the old file or the new one,
        # never half of one. The temporary name starts with a dot, which no key can; it
        # is made as open() makes a file, so the umask gives it the mode files always had.
        tmp = os.path.join(folder, f".{uuid.uuid4().hex}.part")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())  # on disk before the row that points at it commits
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        _sync_folder(folder)

    def _read(self, key: str) -> bytes:
        try:
            with open(self.path(key), "rb") as fh:
                return fh.read()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise NotFound(key) from None

    def _exists(self, key: str) -> bool:
        return os.path.isfile(self.path(key))

    def _delete(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.remove(self.path(key))

    def where(self, area: str) -> str:
        return self.folders[area]

    def _keys(self, area: str) -> Iterator[str]:
        root = self.folders[area]
        for folder, dirs, names in os.walk(root):
            dirs.sort()
            for name in sorted(names):
                path = os.path.join(folder, name)
                if name.startswith(".") and name.endswith(".part"):
                    continue    # a write under way
                if os.path.isfile(path) and not os.path.islink(path):
                    yield "/".join([area, *os.path.relpath(path, root).split(os.sep)])


def _sync_folder(folder: str) -> None:
    # The rename itself is durable only once its folder is.
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def local_folders(app: Flask) -> dict[str, str]:
    return {area: app.config.get(setting) or os.path.join(app.instance_path, area)
            for area, setting in FOLDER_SETTINGS.items()}


def init_app(app: Flask) -> None:
    """Give the app its back end, chosen by STORAGE_BACKEND. Raises StorageConfigError,
    saying what to set. Nothing is connected yet: the S3 client is made on first use."""
    backend = str(app.config.get("STORAGE_BACKEND") or "local").strip().lower()
    if backend not in BACKENDS:
        raise StorageConfigError(f"QIDESK_STORAGE_BACKEND must be one of {', '.join(BACKENDS)}, "
                                 f"not {backend!r}.")
    if backend == "local":
        app.extensions["qidesk.storage"] = LocalStorage(local_folders(app))
        return
    # Imported only here: boto3 takes a while to load, and a local desk never needs it.
    from core.s3_storage import S3Storage
    app.extensions["qidesk.storage"] = S3Storage.from_config(app.config)


def current() -> Storage:
    """The running app's back end (in a request or the worker alike)."""
    return current_app.extensions["qidesk.storage"]


def put(key: str, data: bytes, content_type: str) -> None:
    current().put(key, data, content_type)


def get(key: str, sha256: str | None = None) -> bytes:
    return current().get(key, sha256)


def exists(key: str) -> bool:
    return current().exists(key)


def delete(key: str) -> None:
    current().delete(key)


def keys(area: str) -> Iterator[str]:
    return current().keys(area)


def serve(key: str, mimetype: str, download_name: str, *, sha256: str | None = None,
          as_attachment: bool = True):
    """A response carrying the stored document, named `download_name`; with `sha256`,
    only if its bytes still hash to it (which is then its ETag). Raises NotFound or
    Altered, which core/errors.py turns into their pages."""
    data = get(key, sha256)
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=as_attachment,
                     download_name=download_name, etag=sha256 or False)
