"""The files the desk keeps beside its database, as a backup sees them: each named by
its root (uploads, certificates, dossiers, signing) and its path under that root.

The documents (uploads, certificates, dossiers) are read and written through the
desk's storage (core/storage.py), under the key "<root>/<path>": from the instance
folders or from the bucket alike, so an archive made on one back end restores into the
other. The signing pair stays a folder on every node, and is read and written as one."""
import hashlib
import mimetypes
import os
import shutil
from dataclasses import dataclass

from core.storage import FOLDER_SETTINGS, BadKey, LocalStorage, NotFound, Storage, check_key

SIGNING = "signing"
ROOTS = (*FOLDER_SETTINGS, SIGNING)


class FoldersOverlap(ValueError):
    """Two roots are one folder, or one lies inside another: its files would be kept
    (and restored) twice."""


@dataclass(frozen=True)
class StoredFile:
    root: str
    name: str               # the path under the root, with "/" between parts
    path: str | None = None  # a signing file's place on disk; None for a document


class DeskFiles:
    """The documents in `storage` and the signing files in the folder `signing`."""

    def __init__(self, storage: Storage, signing: str):
        self.storage, self.signing = storage, signing

    @classmethod
    def of(cls, storage: Storage, config, instance_path: str) -> "DeskFiles":
        """Raises FoldersOverlap when the signing folder and the local storage's folders
        overlap."""
        folders = {SIGNING: os.path.realpath(config.get("SIGNING_FOLDER")
                                             or os.path.join(instance_path, SIGNING))}
        if isinstance(storage, LocalStorage):
            folders |= {area: os.path.realpath(f) for area, f in storage.folders.items()}
        for a, first in folders.items():
            for b, second in folders.items():
                if a < b and os.path.commonpath([first, second]) in (first, second):
                    raise FoldersOverlap(f"the {a} and {b} folders overlap ({first}, {second})")
        return cls(storage, folders[SIGNING])

    def where(self, root: str) -> str:
        return self.signing if root == SIGNING else self.storage.where(root)

    def listed(self) -> list[StoredFile]:
        """Every file under the roots, in a fixed order (links are not followed)."""
        found = [StoredFile(area, key.split("/", 1)[1])
                 for area in FOLDER_SETTINGS for key in self.storage.keys(area)]
        for here, dirs, names in os.walk(self.signing):
            dirs.sort()
            for name in sorted(names):
                path = os.path.join(here, name)
                if os.path.isfile(path) and not os.path.islink(path):
                    found.append(StoredFile(SIGNING, os.path.relpath(path, self.signing)
                                            .replace(os.sep, "/"), path))
        return found

    def read(self, stored: StoredFile) -> bytes:
        return self.storage.get(f"{stored.root}/{stored.name}")

    def sha256(self, root: str, name: str) -> str | None:
        """The SHA-256 of what is stored as `name` under `root`; None when nothing is."""
        if root == SIGNING:
            path = self._signing_path(name)
            return file_sha256(path) if os.path.exists(path) else None
        try:
            return hashlib.sha256(self.storage.get(f"{root}/{name}")).hexdigest()
        except NotFound:
            return None

    def differs(self, root: str, name: str, sha256: str) -> bool:
        """True when something is stored as `name` and its content is not `sha256`'s."""
        return self.sha256(root, name) not in (None, sha256)

    def put(self, root: str, name: str, source: str, sha256: str, mode: int) -> bool:
        """Write the file at `source` as `name` under `root` (whole: nobody reads half
        of it); False when the same content is there already."""
        if self.sha256(root, name) == sha256:
            return False
        if root != SIGNING:
            with open(source, "rb") as fh:
                data = fh.read()
            self.storage.put(f"{root}/{name}", data,
                             mimetypes.guess_type(name)[0] or "application/octet-stream")
            return True
        path = self._signing_path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        partial = path + ".restoring"
        shutil.copyfile(source, partial)
        os.chmod(partial, mode)
        os.replace(partial, path)
        return True

    def _signing_path(self, name: str) -> str:
        return os.path.join(self.signing, *name.split("/"))


def storable(root: str, name: str) -> bool:
    """Whether the desk can keep a file of the archive: a signing file, or a document
    whose name is a storage key."""
    if root == SIGNING:
        return True
    try:
        check_key(f"{root}/{name}")
    except BadKey:
        return False
    return True


def file_sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
