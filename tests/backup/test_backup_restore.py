"""The restore drill: a desk with real data (a request taken to its issued, signed
certificate, attachments, a licence, the audit trail) is backed up, a new desk with an
empty database and empty folders is made, the archive restored into it, and the new desk
holds the same rows and the same files, its certificate still verifies on the public
page and its audit log still refuses change. Then what restore refuses: a desk that
holds data (unless --force), a damaged archive, one from a newer desk; and an older
archive is migrated up. On SQLite and, with QIDESK_TEST_DB=postgresql, on PostgreSQL
(the new desk in a database of its own, made and dropped here); each with the documents
in the instance folders and in a bucket (a new, empty one for the new desk), and an
archive of either restored into the other."""
import hashlib
import io
import json
import os
import re
import tarfile
from types import SimpleNamespace

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import DBAPIError

from blueprints.certificates.models import Certificate
from blueprints.labs.models import Lab
from core import storage
from core.roles import Role
from core.storage import FOLDER_SETTINGS
from extensions import db
from tests import factories
from tests.conftest import s3_client
from tests.journeys import closed_part, make_draft

FOLDERS = ("UPLOAD_FOLDER", "CERTIFICATE_FOLDER", "DOSSIER_FOLDER", "SIGNING_FOLDER")
ON_POSTGRESQL = os.environ.get("QIDESK_TEST_DB") == "postgresql"
BACKENDS = ("local", "s3")


@pytest.fixture(params=BACKENDS)
def storage_config(request):
    """The desk backed up keeps its documents in its folders, or in a bucket."""
    return request.getfixturevalue("s3_bucket") if request.param == "s3" else {}


def backend_of(app) -> str:
    return app.config.get("STORAGE_BACKEND") or "local"


@pytest.fixture
def blank_database(tmp_path, worker_id):
    """Makes empty databases: a new SQLite file, or a new PostgreSQL database (its public
    schema empty); those made are dropped afterwards."""
    made = []
    admin = None
    if ON_POSTGRESQL:
        base = re.sub(r"^postgres(ql)?://", "postgresql+psycopg://",
                      os.environ["TEST_DATABASE_URL"])
        admin = create_engine(base, isolation_level="AUTOCOMMIT")

    def make(tag: str) -> str:
        if not ON_POSTGRESQL:
            return "sqlite:///" + str(tmp_path / f"{tag}.db")
        name = f"{admin.url.database}_{tag}_{worker_id}"
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        made.append(name)
        return admin.url.set(database=name).render_as_string(hide_password=False)

    yield make
    if admin is not None:
        with admin.connect() as conn:
            for name in made:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def new_desk(app_factory, blank_database, tmp_path, storage_config, request):
    """A desk on an empty database with empty folders (nothing migrated), keeping its
    documents in them or, with backend "s3", in a new, empty bucket; by default where
    the desk of the test keeps its own."""
    def make(tag: str = "restored", uri: str | None = None, backend: str | None = None):
        folders = {key: str(tmp_path / tag / key.split("_")[0].lower()) for key in FOLDERS}
        where = {"STORAGE_BACKEND": "local"}
        if (backend or storage_config.get("STORAGE_BACKEND", "local")) == "s3":
            server = request.getfixturevalue("s3_server")
            where = {"STORAGE_BACKEND": "s3", "S3_BUCKET": f"qidesk-{tag}-{os.urandom(6).hex()}",
                     "S3_ENDPOINT_URL": server, "S3_REGION": "us-east-1",
                     "S3_ACCESS_KEY": "test-key", "S3_SECRET_KEY": "test-secret"}
            s3_client(where).create_bucket(Bucket=where["S3_BUCKET"])
        return app_factory(SQLALCHEMY_DATABASE_URI=uri or blank_database(tag), **folders,
                           **where)
    return make


@pytest.fixture
def desk(app, client, login, users, two_labs):
    """A desk with real data, everything committed; its certificate's plain values."""
    req, sub = closed_part(client, login, users, two_labs)
    login(users[Role.sme])
    draft = make_draft(client, two_labs["fabric"])
    assert client.post(f"/requests/{draft.id}/attachments", data={
        "file": (io.BytesIO(b"%PDF-1.7\n% spec sheet\n%%EOF\n"), "spec.pdf")},
        content_type="multipart/form-data").status_code == 302
    cert = db.session.scalar(select(Certificate).filter_by(sub_request_id=sub.id))
    issued = SimpleNamespace(number=cert.number, verification_code=cert.verification_code,
                             sha256=cert.sha256, stored_name=cert.stored_name)
    db.session.commit()
    db.session.close()     # no transaction of the test's left open while restoring
    return issued


def every_row(app) -> dict[str, list[tuple]]:
    """Each table's rows, in primary-key order."""
    with app.app_context():
        out = {}
        for table in db.metadata.sorted_tables:
            out[table.name] = [tuple(row) for row in db.session.execute(
                select(table).order_by(*table.primary_key.columns))]
        db.session.remove()
        return out


def on_disk(folder: str) -> dict[str, str]:
    """Path under `folder` -> SHA-256 of every file in it."""
    found = {}
    for here, _dirs, names in os.walk(folder):
        for name in names:
            with open(os.path.join(here, name), "rb") as fh:
                found[os.path.relpath(os.path.join(here, name), folder)] = \
                    hashlib.sha256(fh.read()).hexdigest()
    return found


def every_file(app) -> dict[tuple[str, str], str]:
    """(root, path under it) -> SHA-256 of every file the desk keeps: its documents, in
    its folders or its bucket (and then none in its folders), and its signing files.
    Looked at directly, not through the desk's storage."""
    found = {("signing", name): sha for name, sha in on_disk(app.config["SIGNING_FOLDER"])
             .items()}
    for area, setting in FOLDER_SETTINGS.items():
        if backend_of(app) == "local":
            found |= {(area, name): sha for name, sha in on_disk(app.config[setting]).items()}
            continue
        assert on_disk(app.config[setting]) == {}
        client, bucket = s3_client(app.config), app.config["S3_BUCKET"]
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket,
                                                                      Prefix=f"{area}/"):
            for obj in page.get("Contents", []):
                data = client.get_object(Bucket=bucket, Key=obj["Key"])["Body"].read()
                found[area, obj["Key"].split("/", 1)[1]] = hashlib.sha256(data).hexdigest()
    return found


def stored(app, key: str) -> bytes:
    with app.app_context():
        return storage.get(key)


def run(app, *args):
    # In the app's own context: the runner would otherwise run the command in whichever
    # app's context is current (the fixture's), as the `flask` command never does.
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


def backed_up(app, tmp_path) -> str:
    path = str(tmp_path / "desk.tar.gz")
    done = run(app, "backup", path)
    assert done.exit_code == 0, done.output
    return path


@pytest.mark.parametrize("into", BACKENDS)
def test_a_desk_backed_up_and_wiped_comes_back_whole(app, desk, new_desk, tmp_path, into):
    before_rows, before_files = every_row(app), every_file(app)
    assert before_rows["audit_events"] and before_rows["attachments"]
    assert {root for root, _name in before_files} == {"uploads", "certificates", "signing"}
    archive = backed_up(app, tmp_path)
    assert os.stat(archive).st_mode & 0o777 == 0o600       # it holds the signing key
    again = run(app, "backup", archive)
    assert again.exit_code == 1 and "exists" in again.output
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["revision"] and manifest["database"]["kind"] == db.engine.dialect.name
    assert len(manifest["files"]) == len(before_files)
    assert all(re.fullmatch(r"[0-9a-f]{64}", m["sha256"]) and m["size"] > 0
               for m in manifest["files"])

    fresh = new_desk(backend=into)
    assert backend_of(fresh) == into and every_file(fresh) == {}
    done = run(fresh, "restore", archive)
    assert done.exit_code == 0, done.output
    assert f"{len(before_files)} files match the manifest" in done.output
    assert f"Files: {len(before_files)} written" in done.output

    assert every_row(fresh) == before_rows
    assert every_file(fresh) == before_files

    # The certificate verifies on the new desk's public page, its PDF against the
    # restored signing key.
    public = fresh.test_client()
    url = f"/verify?number={desk.number}&code={desk.verification_code}"
    page = public.get(url).get_data(as_text=True)
    assert 'id="cert-status"' in page and desk.sha256 in page
    pdf = stored(fresh, f"certificates/{desk.stored_name}")
    checked = public.post(url, data={"pdf": (io.BytesIO(pdf), "r.pdf")},
                          content_type="multipart/form-data").get_data(as_text=True)
    assert 'class="notice success" id="match"' in checked and "数字签名完好" in checked
    # The audit log came back append-only.
    with fresh.app_context():
        with pytest.raises(DBAPIError, match="never changed or deleted"):
            db.session.execute(text("UPDATE audit_events SET action = 'edited'"))
        db.session.rollback()
        with pytest.raises(DBAPIError, match="never changed or deleted"):
            db.session.execute(text("DELETE FROM audit_events"))
        db.session.rollback()


def test_restore_refuses_a_desk_that_holds_data_unless_forced(app, desk, tmp_path, users):
    before = every_row(app)
    archive = backed_up(app, tmp_path)
    factories.create_lab(name_zh="备份之后的实验室")
    pdf = f"certificates/{desk.stored_name}"
    storage.put(pdf, stored(app, pdf) + b"% changed after the backup\n", "application/pdf")
    db.session.close()

    refused = run(app, "restore", archive)
    assert refused.exit_code == 1
    assert "the database holds rows" in refused.output and "--force" in refused.output
    assert f"stored files differ from the archive's (1, such as files/certificates/" \
        f"{desk.stored_name})" in refused.output
    assert every_row(app) != before                       # nothing was touched

    forced = run(app, "restore", "--force", archive)
    assert forced.exit_code == 0, forced.output
    assert "Files: 1 written" in forced.output
    assert every_row(app) == before
    assert hashlib.sha256(stored(app, pdf)).hexdigest() == desk.sha256
    with pytest.raises(DBAPIError, match="never changed or deleted"):
        db.session.execute(text("DELETE FROM audit_events"))
    db.session.rollback()


def rewritten(archive: str, path: str, change) -> str:
    """A copy of `archive` with `change(name, data) -> data` applied to each member."""
    out = archive.replace(".tar.gz", "-changed.tar.gz")
    with tarfile.open(archive) as src, tarfile.open(out, "w:gz") as dst:
        for info in src:
            data = change(info.name, src.extractfile(info).read())
            info.size = len(data)
            dst.addfile(info, io.BytesIO(data))
    return out


def test_a_damaged_archive_is_refused_before_anything_is_written(app, desk, new_desk,
                                                                 tmp_path):
    archive = backed_up(app, tmp_path)

    def flip_a_byte(name, data):
        return data[:-1] + bytes([data[-1] ^ 1]) if name.startswith("files/certificates") \
            else data

    fresh = new_desk()
    done = run(fresh, "restore", rewritten(archive, archive, flip_a_byte))
    assert done.exit_code == 1
    assert "damaged or altered" in done.output and "nothing restored" in done.output
    assert every_file(fresh) == {}
    assert _tables(fresh) == []


def test_an_archive_naming_a_document_no_storage_key_can_is_refused(app, desk, new_desk,
                                                                     tmp_path):
    archive = backed_up(app, tmp_path)
    odd = "files/certificates/证书 1.pdf"
    out = archive.replace(".tar.gz", "-renamed.tar.gz")
    with tarfile.open(archive) as src, tarfile.open(out, "w:gz") as dst:
        for info in src:
            data = src.extractfile(info).read()
            if info.name.startswith("files/certificates/"):
                info.name = odd
            elif info.name == "manifest.json":
                manifest = json.loads(data)
                for member in manifest["files"]:
                    if member["path"].startswith("files/certificates/"):
                        member["path"] = odd
                data = json.dumps(manifest).encode()
            info.size = len(data)
            dst.addfile(info, io.BytesIO(data))
    fresh = new_desk()
    done = run(fresh, "restore", out)
    assert done.exit_code == 1
    assert f"{odd}: not a name the desk's storage can keep; nothing restored" in done.output
    assert _tables(fresh) == [] and every_file(fresh) == {}


def _tables(app) -> list[str]:
    from sqlalchemy import inspect
    with app.app_context():
        names = inspect(db.engine).get_table_names()
        db.engine.dispose()
        return names


def test_an_archive_from_a_newer_desk_is_refused(app, desk, new_desk, tmp_path):
    archive = backed_up(app, tmp_path)

    def newer(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["revision"] = "9999"
        return json.dumps(manifest).encode()

    fresh = new_desk()
    done = run(fresh, "restore", rewritten(archive, archive, newer))
    assert done.exit_code == 1 and "revision 9999, which this code does not know" in done.output
    assert _tables(fresh) == [] and every_file(fresh) == {}


def test_an_older_archive_is_migrated_up_to_this_codes_revision(new_desk, blank_database,
                                                                 tmp_path):
    from flask_migrate import upgrade
    old = new_desk("old")
    with old.app_context():
        upgrade(revision="0027")
        lab = factories.create_lab(name_zh="旧版本的实验室")
        lab_id = lab.id
        db.session.remove()
    archive = backed_up(old, tmp_path)
    fresh = new_desk("restored")
    done = run(fresh, "restore", archive)
    assert done.exit_code == 0, done.output
    with fresh.app_context():
        from alembic.script import ScriptDirectory
        head = ScriptDirectory.from_config(
            fresh.extensions["migrate"].migrate.get_config()).get_current_head()
        assert f"Migrated the database from revision 0027 to {head}" in done.output
        assert db.session.scalar(text("SELECT version_num FROM alembic_version")) == head
        assert db.session.get(Lab, lab_id).name_zh == "旧版本的实验室"
        db.session.remove()
