"""The storage interface (core/storage.py) on both back ends alike: the instance
folders and an S3-compatible bucket (moto's server, over HTTP). Keys are checked the
same way on both, a missing key is NotFound, and a read with a recorded SHA-256 gives
back only the bytes that hash to it."""
import hashlib
import os
from concurrent.futures import ThreadPoolExecutor

import pytest

from core.s3_storage import S3Storage
from core.storage import (
    FOLDER_SETTINGS,
    Altered,
    BadKey,
    LocalStorage,
    NotFound,
    StorageConfigError,
    check_key,
    key,
)
from tests.conftest import PUBLIC_URL, s3_client

PDF = b"%PDF-1.7\n% a stored document\n%%EOF\n"
BAD_KEYS = ["", "certificates", "certificates/", "/certificates/a.pdf", "certificates//a.pdf",
            "certificates/../uploads/a.pdf", "certificates/..", "../certificates/a.pdf",
            "certificates/.hidden", "certificates/./a.pdf", "certificates\\a.pdf",
            "certificates/a\\..\\b.pdf", "certificates/a b.pdf", "certificates/a\x00.pdf",
            "certificates/a.pdf\n", "certificates/证书.pdf", "secret_key", "qidesk.db",
            "signing/signing-key.pem", "other/a.pdf", "CERTIFICATES/a.pdf",
            "certificates/" + "a" * 101, None, b"certificates/a.pdf"]


@pytest.fixture(params=["local", "s3"])
def backend(request, tmp_path):
    if request.param == "local":
        return LocalStorage({area: str(tmp_path / area) for area in FOLDER_SETTINGS})
    return S3Storage.from_config(request.getfixturevalue("s3_bucket"))


def everything_stored(backend) -> list[str]:
    """Every file or object the back end holds, wherever it is."""
    if isinstance(backend, LocalStorage):
        return sorted(os.path.relpath(os.path.join(folder, name), os.path.dirname(root))
                      for root in backend.folders.values()
                      for folder, _dirs, names in os.walk(root) for name in names)
    listing = backend.client.list_objects_v2(Bucket=backend.bucket)
    return sorted(obj["Key"] for obj in listing.get("Contents", []))


def test_a_document_is_put_read_and_deleted(backend):
    name = "certificates/3f2a9c.pdf"
    assert not backend.exists(name)
    backend.put(name, PDF, "application/pdf")
    assert backend.exists(name) and backend.get(name) == PDF
    assert everything_stored(backend) == [name]
    backend.delete(name)
    assert not backend.exists(name) and everything_stored(backend) == []
    with pytest.raises(NotFound):
        backend.get(name)


def test_putting_again_replaces_the_document_whole(backend):
    name = "uploads/5b1e"
    backend.put(name, b"\x89PNG\r\n\x1a\n" + b"first" * 1000, "image/png")
    backend.put(name, b"%PDF-second", "application/pdf")
    assert backend.get(name) == b"%PDF-second"
    assert everything_stored(backend) == [name]   # no temporary file left beside it


def test_keys_may_have_folders_below_their_area(backend):
    for name in ("certificates/batches/7-ab12.zip", "uploads/standard-imports/c0ffee"):
        backend.put(name, b"PK\x03\x04 zip", "application/zip")
        assert backend.get(name) == b"PK\x03\x04 zip"
    assert everything_stored(backend) == ["certificates/batches/7-ab12.zip",
                                          "uploads/standard-imports/c0ffee"]


def test_a_missing_document_is_not_found_and_deleting_it_is_no_error(backend):
    with pytest.raises(NotFound) as caught:
        backend.get("dossiers/nothing-here.pdf")
    assert caught.value.key == "dossiers/nothing-here.pdf"
    assert "dossiers/nothing-here.pdf" in str(caught.value)
    assert not backend.exists("dossiers/nothing-here.pdf")
    backend.delete("dossiers/nothing-here.pdf")


@pytest.mark.parametrize("bad", BAD_KEYS)
def test_a_key_that_is_not_a_plain_relative_name_is_refused(backend, bad):
    for attempt in (lambda: backend.put(bad, PDF, "application/pdf"),
                    lambda: backend.get(bad), lambda: backend.exists(bad),
                    lambda: backend.delete(bad)):
        with pytest.raises(BadKey):
            attempt()
    assert everything_stored(backend) == []


def test_a_read_with_its_recorded_hash_gives_only_the_bytes_recorded(backend, caplog):
    name = "certificates/9d0e.pdf"
    backend.put(name, PDF, "application/pdf")
    recorded = hashlib.sha256(PDF).hexdigest()
    assert backend.get(name, sha256=recorded) == PDF
    backend.put(name, PDF.replace(b"stored", b"forged"), "application/pdf")
    with pytest.raises(Altered) as caught:
        backend.get(name, sha256=recorded)
    assert (caught.value.key, caught.value.expected) == (name, recorded)
    assert caught.value.found == hashlib.sha256(PDF.replace(b"stored", b"forged")).hexdigest()
    assert any(r.levelname == "ERROR" and name in r.getMessage() for r in caplog.records)


def test_key_joins_parts_and_checks_them():
    assert key("certificates", "batches", "7-ab12.zip") == "certificates/batches/7-ab12.zip"
    assert check_key("uploads/5b1e") == "uploads/5b1e"
    with pytest.raises(BadKey):
        key("certificates", "..", "secret_key")


def test_the_local_back_end_keeps_each_area_in_its_own_folder(tmp_path):
    folders = {area: str(tmp_path / f"{area}-elsewhere") for area in FOLDER_SETTINGS}
    local = LocalStorage(folders)
    local.put("certificates/batches/1-a.zip", b"PK", "application/zip")
    local.put("uploads/b", b"%PDF", "application/pdf")
    assert os.path.isfile(os.path.join(folders["certificates"], "batches", "1-a.zip"))
    assert os.path.isfile(os.path.join(folders["uploads"], "b"))
    # A file written before the storage interface, by its bare stored name, is found
    # under its key: nothing to migrate.
    os.makedirs(folders["dossiers"])
    with open(os.path.join(folders["dossiers"], "old.pdf"), "wb") as fh:
        fh.write(b"%PDF-old")
    assert local.get("dossiers/old.pdf") == b"%PDF-old"


def test_a_local_write_that_fails_leaves_the_old_file_and_no_scraps(tmp_path, monkeypatch):
    local = LocalStorage({area: str(tmp_path / area) for area in FOLDER_SETTINGS})
    local.put("certificates/a.pdf", b"%PDF-old", "application/pdf")

    def crash(*_args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        local.put("certificates/a.pdf", b"%PDF-new", "application/pdf")
    monkeypatch.undo()
    assert local.get("certificates/a.pdf") == b"%PDF-old"
    assert os.listdir(tmp_path / "certificates") == ["a.pdf"]


def test_the_s3_client_is_made_once_and_only_when_first_needed(s3_bucket):
    store = S3Storage.from_config(s3_bucket)
    assert store._client is None              # configured, nothing connected yet
    store.put("uploads/a", b"%PDF-a", "application/pdf")
    client = store._client
    assert client is not None
    assert store.get("uploads/a") == b"%PDF-a" and store.exists("uploads/a")
    assert store._client is client
    head = s3_client(s3_bucket).head_object(Bucket=s3_bucket["S3_BUCKET"], Key="uploads/a")
    assert head["ContentType"] == "application/pdf"


def test_s3_settings_read_from_the_environment_are_taken_as_text(s3_bucket):
    # QIDESK_S3_BUCKET=2026 arrives as the number 2026 (values are read as JSON).
    store = S3Storage.from_config({**s3_bucket, "S3_BUCKET": 2026, "S3_REGION": ""})
    assert store.bucket == "2026" and store._options["region_name"] is None


@pytest.mark.parametrize("settings, says", [
    ({"STORAGE_BACKEND": "ftp"}, "QIDESK_STORAGE_BACKEND must be one of local, s3"),
    ({"STORAGE_BACKEND": "s3"}, "QIDESK_S3_BUCKET is not set"),
    ({"STORAGE_BACKEND": "s3", "S3_BUCKET": ""}, "QIDESK_S3_BUCKET is not set"),
])
def test_the_desk_does_not_start_on_storage_it_cannot_use(app_factory, settings, says):
    with pytest.raises(StorageConfigError, match=says):
        app_factory(**settings)


def test_a_desk_configured_by_its_environment_keeps_its_documents_in_the_bucket(
        s3_bucket, tmp_path, monkeypatch):
    from app import create_app
    from core import storage
    monkeypatch.setenv("DATABASE_URL", "sqlite:///" + str(tmp_path / "x.db"))
    monkeypatch.setenv("QIDESK_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("QIDESK_PUBLIC_URL", PUBLIC_URL)
    for name, value in s3_bucket.items():
        monkeypatch.setenv(f"QIDESK_{name}", value)
    app = create_app()
    with app.app_context():
        storage.put("certificates/from-env.pdf", PDF, "application/pdf")
        client = storage.current().client
    with app.app_context():   # another request, or the worker's next job: the same client
        assert storage.get("certificates/from-env.pdf") == PDF
        assert storage.current().client is client
    stored = s3_client(s3_bucket).get_object(Bucket=s3_bucket["S3_BUCKET"],
                                             Key="certificates/from-env.pdf")
    assert stored["Body"].read() == PDF
    assert not os.path.exists(tmp_path / "instance" / "certificates")


def test_a_local_file_gets_the_mode_files_always_had(tmp_path):
    local = LocalStorage({area: str(tmp_path / area) for area in FOLDER_SETTINGS})
    local.put("uploads/a", b"%PDF", "application/pdf")
    umask = os.umask(0o022)
    os.umask(umask)
    assert os.stat(local.path("uploads/a")).st_mode & 0o777 == 0o666 & ~umask


def test_the_keys_under_an_area_are_listed_and_nothing_else(backend, caplog):
    stored = sorted(["certificates/a.pdf", "certificates/batches/7-ab12.zip",
                     "certificates/b.pdf"])
    for name in [*stored, "dossiers/c.pdf", "uploads/standard-imports/d.csv"]:
        backend.put(name, PDF, "application/pdf")
    assert sorted(backend.keys("certificates")) == stored
    assert list(backend.keys("uploads")) == ["uploads/standard-imports/d.csv"]
    backend.delete("dossiers/c.pdf")
    assert list(backend.keys("dossiers")) == []
    with pytest.raises(BadKey):
        backend.keys("signing")
    # What no key can name (a stray file, a write under way) is passed over, and logged.
    if isinstance(backend, LocalStorage):
        with open(os.path.join(backend.folders["certificates"], "证书.pdf"), "wb") as fh:
            fh.write(PDF)
        with open(os.path.join(backend.folders["certificates"], ".0a1b.part"), "wb") as fh:
            fh.write(PDF)
    else:
        backend.client.put_object(Bucket=backend.bucket, Key="certificates/证书.pdf", Body=PDF)
    assert sorted(backend.keys("certificates")) == stored
    assert "certificates/证书.pdf is stored under a name that is not a document key" \
        in caplog.text


def test_keys_page_through_a_long_listing(s3_bucket):
    backend = S3Storage.from_config(s3_bucket)
    names = [f"uploads/{i:04d}.pdf" for i in range(1005)]   # more than one page of 1,000
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda name: backend.client.put_object(
            Bucket=backend.bucket, Key=name, Body=b"x"), names))
    assert list(backend.keys("uploads")) == names
