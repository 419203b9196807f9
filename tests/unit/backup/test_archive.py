"""A backup archive, without the app: what is written comes back byte for byte with its
manifest, a backup that fails leaves no archive, and an archive that is not exactly what
its manifest lists (a member added, missing, altered, a link, a path climbing out of its
folder, no manifest) is refused whole."""
import hashlib
import io
import json
import os
import tarfile

import pytest

from backup.archive import ArchiveRefused, ArchiveWriter, Manifest, safe_name, unpack_verified


def written(tmp_path) -> tuple[str, Manifest]:
    sources = {"database/qidesk.sqlite3": b"SQLite format 3\x00 pages",
               "files/uploads/ab/cd": b"%PDF-1.7 an upload",
               "files/signing/signing-key.pem": b"-----BEGIN PRIVATE KEY-----"}
    for name, data in sources.items():
        (tmp_path / name.replace("/", "_")).write_bytes(data)
    path = str(tmp_path / "desk.tar.gz")
    writer = ArchiveWriter(path)
    members = [writer.add(name, str(tmp_path / name.replace("/", "_"))) for name in sources]
    manifest = Manifest(created_at="2026-06-30T02:00:00Z", revision="0028",
                        database={"kind": "sqlite", "member": members[0]}, files=members[1:])
    writer.finish(manifest)
    return path, manifest


def members_of(path: str) -> list[tuple[tarfile.TarInfo, bytes]]:
    with tarfile.open(path) as tar:
        return [(info, tar.extractfile(info).read() if info.isreg() else b"") for info in tar]


def repacked(path: str, members) -> str:
    out = path.replace(".tar.gz", "-repacked.tar.gz")
    with tarfile.open(out, "w:gz") as tar:
        for info, data in members:
            info.size = len(data) if info.isreg() else 0
            tar.addfile(info, io.BytesIO(data) if info.isreg() else None)
    return out


def test_what_is_written_comes_back_with_its_manifest(tmp_path):
    path, manifest = written(tmp_path)
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert not os.path.exists(path + ".partial")
    staging = tmp_path / "staging"
    staging.mkdir()
    assert unpack_verified(path, str(staging)) == manifest
    key = (staging / "files" / "signing" / "signing-key.pem").read_bytes()
    assert key == b"-----BEGIN PRIVATE KEY-----"
    assert manifest.files[1].sha256 == hashlib.sha256(key).hexdigest()
    assert manifest.files[1].size == len(key)


def test_a_document_read_from_the_storage_is_added_as_its_bytes(tmp_path):
    path = str(tmp_path / "desk.tar.gz")
    writer = ArchiveWriter(path)
    db_member = writer.add_bytes("database/qidesk.sqlite3", b"SQLite format 3\x00")
    doc = writer.add_bytes("files/certificates/3f2a.pdf", b"%PDF-1.7 a certificate")
    assert (doc.size, doc.sha256, doc.mode) == (
        22, hashlib.sha256(b"%PDF-1.7 a certificate").hexdigest(), 0o644)
    writer.finish(Manifest(created_at="2026-06-30T02:00:00Z", revision="0028",
                           database={"kind": "sqlite", "member": db_member}, files=[doc]))
    staging = tmp_path / "staging"
    staging.mkdir()
    assert unpack_verified(path, str(staging)).files == [doc]
    assert (staging / "files" / "certificates" / "3f2a.pdf").read_bytes() == \
        b"%PDF-1.7 a certificate"


def test_a_backup_that_fails_leaves_no_archive(tmp_path):
    path = str(tmp_path / "desk.tar.gz")
    writer = ArchiveWriter(path)
    with pytest.raises(FileNotFoundError):
        writer.add("files/uploads/gone", str(tmp_path / "gone"))
    writer.abandon()
    assert os.listdir(tmp_path) == []


def altered(name, data):
    return data[:-1] + bytes([data[-1] ^ 1]) if name == "files/uploads/ab/cd" else data


@pytest.mark.parametrize("change, why", [
    (lambda ms: [(i, altered(i.name, d)) for i, d in ms], "damaged or altered"),
    (lambda ms: [m for m in ms if m[0].name != "files/uploads/ab/cd"], "missing from"),
    (lambda ms: ms + [(tarfile.TarInfo("files/uploads/extra"), b"x")], "not in its manifest"),
    (lambda ms: [m for m in ms if m[0].name != "manifest.json"], "no manifest.json"),
    (lambda ms: ms + [(tarfile.TarInfo("files/uploads/../../etc/cron.d/x"), b"x")],
     "not a file this desk writes"),
    (lambda ms: ms + [(tarfile.TarInfo("/etc/passwd"), b"x")], "not a file this desk writes"),
    (lambda ms: ms + [(link("files/uploads/link", "/etc/passwd"), b"")],
     "not a file this desk writes"),
    (lambda ms: [(i, d.replace(b'"format": 1', b'"format": 2')) for i, d in ms],
     "archive format 2"),
])
def test_an_archive_unlike_its_manifest_is_refused_whole(tmp_path, change, why):
    path, _manifest = written(tmp_path)
    staging = tmp_path / "staging"
    staging.mkdir()
    with pytest.raises(ArchiveRefused, match=why):
        unpack_verified(repacked(path, change(members_of(path))), str(staging))


def link(name: str, to: str) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = tarfile.SYMTYPE, to
    return info


def test_names_a_backup_writes_and_none_other():
    assert all(map(safe_name, ["manifest.json", "database/qidesk.pgdump",
                               "files/certificates/batches/b1.zip"]))
    assert not any(map(safe_name, ["files/uploads", "database/a/b", "other/x", "files//x/y",
                                   "files/./uploads/x", "./manifest.json", ""]))


def test_a_manifest_reads_back_as_written():
    manifest = Manifest.from_json(json.dumps({
        "format": 1, "created_at": "2026-06-30T02:00:00Z", "revision": "0028",
        "database": {"kind": "postgresql", "schema": "public",
                     "member": {"path": "database/qidesk.pgdump", "size": 3, "sha256": "ab"}},
        "files": []}))
    assert manifest.database["schema"] == "public" and manifest.members()[0].size == 3


def test_a_manifest_that_puts_the_database_among_the_files_is_refused():
    member = {"path": "files/uploads/x", "size": 3, "sha256": "ab"}
    with pytest.raises(ArchiveRefused, match="out of its place"):
        Manifest.from_json(json.dumps({
            "format": 1, "created_at": "2026-06-30T02:00:00Z", "revision": "0028",
            "database": {"kind": "sqlite", "member": member}, "files": []}))
    with pytest.raises(ArchiveRefused, match="out of its place"):
        Manifest.from_json(json.dumps({
            "format": 1, "created_at": "2026-06-30T02:00:00Z", "revision": "0028",
            "database": {"kind": "sqlite", "member": {**member, "path": "database/d"}},
            "files": [{**member, "path": "database/e"}]}))
