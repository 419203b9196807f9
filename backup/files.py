"""The files the desk keeps beside its database, as a backup sees them: each named by
its root (uploads, certificates, dossiers, signing) and its path under that root.

Today every root is a folder from the config. stored_files() is the one place that
lists them and put() the one that writes one back, so when the files move behind a
storage back end these two list and write the back end's keys instead."""
import hashlib
import os
import shutil
from dataclasses import dataclass

# Each root, the setting that names its folder and, unset, its folder in the instance
# folder (as uploads.upload_folder(), issuing.certificate_folder() ... resolve them).
ROOTS = {"uploads": "UPLOAD_FOLDER", "certificates": "CERTIFICATE_FOLDER",
         "dossiers": "DOSSIER_FOLDER", "signing": "SIGNING_FOLDER"}


class FoldersOverlap(ValueError):
    """Two roots are one folder, or one lies inside another: its files would be kept
    (and restored) twice."""


@dataclass(frozen=True)
class StoredFile:
    root: str
    name: str       # the path under the root, with "/" between parts
    path: str       # where it is read from


def root_folders(config, instance_path: str) -> dict[str, str]:
    """Each root's folder. Raises FoldersOverlap when two of them overlap."""
    folders = {root: os.path.realpath(config.get(key) or os.path.join(instance_path, root))
               for root, key in ROOTS.items()}
    for a, first in folders.items():
        for b, second in folders.items():
            if a < b and os.path.commonpath([first, second]) in (first, second):
                raise FoldersOverlap(f"the {a} and {b} folders overlap ({first}, {second})")
    return folders


def stored_files(folders: dict[str, str]) -> list[StoredFile]:
    """Every file under the roots, in a fixed order (links are not followed)."""
    found = []
    for root, folder in folders.items():
        for here, dirs, files in os.walk(folder):
            dirs.sort()
            for name in sorted(files):
                path = os.path.join(here, name)
                if os.path.isfile(path) and not os.path.islink(path):
                    found.append(StoredFile(root, os.path.relpath(path, folder)
                                            .replace(os.sep, "/"), path))
    return found


def target(folders: dict[str, str], root: str, name: str) -> str:
    return os.path.join(folders[root], *name.split("/"))


def differs(path: str, sha256: str) -> bool:
    """True when a file is at `path` and its content is not the one of `sha256`."""
    return os.path.exists(path) and file_sha256(path) != sha256


def put(folders: dict[str, str], root: str, name: str, source: str, sha256: str,
        mode: int) -> bool:
    """Write `source` as `name` under `root` (by a rename, so nobody reads half a file);
    False when the same content is there already."""
    path = target(folders, root, name)
    if os.path.exists(path) and file_sha256(path) == sha256:
        return False
    os.makedirs(os.path.dirname(path), exist_ok=True)
    partial = path + ".restoring"
    shutil.copyfile(source, partial)
    os.chmod(partial, mode)
    os.replace(partial, path)
    return True


def file_sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
