"""Enterprise registration, the admin's verification queue and invitations."""
import io
import re

import pytest

from blueprints.audit.models import AuditEvent
from blueprints.auth.models import User
from blueprints.enterprises.models import Enterprise, EnterpriseStatus, Invitation
from core.roles import Role
from extensions import db
from tests import factories
from tests.conftest import PUBLIC_URL

GOOD_CODE = "91512081MA62K0260E"


def registration(licence=True, **changes):
    """The registration form as posted; with a photographed licence unless told not."""
    data = {"uscc": GOOD_CODE, "name": "晋江市新锐鞋业有限公司", "legal_representative": "丁志强",
            "address": "福建省晋江市陈埭镇江头村", "industry_chain": "textiles_footwear",
            "size": "small", "contact_phone": "0595-85661234", "contact_name": "丁小姐",
            "email": "ding@xinrui.example", "password": "shoes-2026", "confirm": "shoes-2026"}
    if licence is True:
        data["licence"] = (io.BytesIO(factories.licence_png()), "营业执照.png")
    elif licence:
        data["licence"] = licence
    data.update(changes)
    return data


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_registration_creates_a_pending_enterprise_and_its_first_user(client):
    resp = client.post("/enterprises/register", data=registration(uscc="9151 2081 ma62 k026 0e"))
    assert resp.status_code == 302
    ent = db.session.scalar(db.select(Enterprise))
    assert ent.uscc == GOOD_CODE  # normalised
    assert ent.status == EnterpriseStatus.pending
    user = ent.members[0]
    assert (user.email, user.role, user.is_enterprise_admin) == ("ding@xinrui.example", Role.sme, True)
    assert db.session.scalar(db.select(AuditEvent).filter_by(entity="enterprises", action="registered"))
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "晋江市新锐鞋业有限公司" in page


@pytest.mark.parametrize("code,message", [
    ("91512081MA62K0260F", "check character"),
    ("91512081MA62K026OE", "letter O"),
    ("91512081MA62K026", "has 16 characters"),
    ("", "18-character"),
])
def test_bad_codes_are_refused_saying_why_and_store_nothing(app_factory, code, message):
    app = app_factory(BABEL_DEFAULT_LOCALE="en")
    resp = app.test_client().post("/enterprises/register", data=registration(uscc=code))
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert message in page
    assert 'value="晋江市新锐鞋业有限公司"' in page  # what was typed is kept
    with app.app_context():
        assert count(Enterprise) == 0 and count(User) == 0


def test_other_bad_input_shows_errors_and_stores_nothing(client):
    resp = client.post("/enterprises/register", data=registration(
        email="not-an-email", contact_phone="call me", password="abc", industry_chain="mining"))
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert page.count('class="error"') >= 4
    assert count(Enterprise) == 0 and count(User) == 0


def test_a_registered_code_is_refused_without_saying_who_holds_it(client, app):
    holder = factories.create_enterprise(uscc=GOOD_CODE, name="先到公司")
    resp = client.post("/enterprises/register", data=registration())
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert holder.name not in page
    assert count(Enterprise) == 1


def test_admin_queue_lists_pending_oldest_first_and_verifies(client, users, login):
    first = factories.create_enterprise(status=EnterpriseStatus.pending, name="甲公司")
    second = factories.create_enterprise(status=EnterpriseStatus.pending, name="乙公司")
    login(users[Role.admin])
    page = client.get("/admin/enterprises").get_data(as_text=True)
    assert page.index("甲公司") < page.index("乙公司")
    assert users[Role.sme].enterprise.name not in page  # verified ones are not in the queue
    assert f"/admin/enterprises/{first.id}/verify" not in page    # no verifying unseen
    # A verification that does not come from the enterprise's page is refused.
    client.post(f"/admin/enterprises/{first.id}/verify")
    db.session.refresh(first)
    assert first.status == EnterpriseStatus.pending
    detail = client.get(f"/enterprises/{first.id}").get_data(as_text=True)
    assert f"/admin/enterprises/{first.id}/verify" in detail
    resp = client.post(f"/admin/enterprises/{first.id}/verify",
                       data={"version": str(first.version)})
    assert resp.status_code == 302
    db.session.refresh(first)
    assert first.status == EnterpriseStatus.verified and first.verified_at is not None
    ev = db.session.scalar(db.select(AuditEvent).filter_by(entity="enterprises",
                                                           entity_id=first.id, action="verified"))
    assert ev.actor_id == users[Role.admin].id
    assert ev.before == {"status": "pending"} and ev.after == {"status": "verified"}
    queue = client.get("/admin/enterprises").get_data(as_text=True)
    assert f'href="/enterprises/{first.id}"' not in queue
    assert f'href="/enterprises/{second.id}"' in queue
    assert second.status == EnterpriseStatus.pending


def test_admin_rejects_with_a_reason(client, users, login):
    ent = factories.create_enterprise(status=EnterpriseStatus.pending)
    login(users[Role.admin])
    client.post(f"/admin/enterprises/{ent.id}/reject", data={"reason": ""})
    db.session.refresh(ent)
    assert ent.status == EnterpriseStatus.pending  # no reason, no rejection
    client.post(f"/admin/enterprises/{ent.id}/reject", data={"reason": "营业执照名称不符"})
    db.session.refresh(ent)
    assert ent.status == EnterpriseStatus.rejected and ent.status_reason == "营业执照名称不符"


def test_verifying_twice_is_a_message_not_an_error(client, users, login):
    login(users[Role.admin])
    ent = users[Role.sme].enterprise
    resp = client.post(f"/admin/enterprises/{ent.id}/verify", follow_redirects=True)
    assert resp.status_code == 200


def test_sme_cannot_open_another_enterprise_by_id(client, users, login):
    other = factories.create_enterprise(name="别家公司")
    login(users[Role.sme])
    assert client.get(f"/enterprises/{users[Role.sme].enterprise_id}").status_code == 200
    for url in (f"/enterprises/{other.id}", f"/enterprises/{other.id}/edit",
                f"/enterprises/{other.id}/colleagues"):
        resp = client.get(url)
        assert resp.status_code == 404, url
        assert "别家公司" not in resp.get_data(as_text=True)
    assert client.post(f"/enterprises/{other.id}/colleagues",
                       data={"email": "spy@example.com"}).status_code == 404
    assert count(Invitation) == 0


def test_sme_cannot_verify_even_its_own_enterprise(client, users, login):
    ent = factories.create_enterprise(status=EnterpriseStatus.pending)
    user = factories.create_user(Role.sme, enterprise=ent)
    login(user)
    assert client.post(f"/admin/enterprises/{ent.id}/verify").status_code == 403
    db.session.refresh(ent)
    assert ent.status == EnterpriseStatus.pending


def test_profile_edit_refuses_a_stale_version(client, users, login):
    user = login(users[Role.sme])
    ent = user.enterprise
    form = {"name": ent.name, "legal_representative": "李四", "address": ent.address,
            "industry_chain": "leisure_food", "size": "medium", "contact_phone": "0595-1234567",
            "version": str(ent.version)}
    assert client.post(f"/enterprises/{ent.id}/edit", data=form).status_code == 302
    db.session.refresh(ent)
    assert ent.legal_representative == "李四" and ent.version == 2
    # A second tab still holding version 1 must not overwrite the change.
    form.update(legal_representative="王五")
    resp = client.post(f"/enterprises/{ent.id}/edit", data=form)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 409
    assert 'value="王五"' in page  # what this tab typed is kept
    assert 'name="version" type="hidden" value="2"' in page
    db.session.refresh(ent)
    assert ent.legal_representative == "李四"
    # Saving again from that page replaces the other change knowingly.
    form.update(version="2")
    assert client.post(f"/enterprises/{ent.id}/edit", data=form).status_code == 302
    db.session.refresh(ent)
    assert ent.legal_representative == "王五"


def test_invited_colleague_joins_the_same_enterprise(app, users, login):
    client = app.test_client()
    inviter = users[Role.sme]
    client.post("/login", data={"login": inviter.email, "password": factories.PASSWORD})
    page = client.post(f"/enterprises/{inviter.enterprise_id}/colleagues",
                       data={"email": "colleague@example.com"}).get_data(as_text=True)
    link = re.search(r'value="(https://qidesk\.jinjiang\.example/invitations/[^"]+)"',
                     page).group(1)
    client.post("/logout")
    path = link.replace(PUBLIC_URL, "")
    resp = client.post(path, data={"name": "新同事", "password": "join-us-2026", "confirm": "join-us-2026"})
    assert resp.status_code == 302
    colleague = db.session.scalar(db.select(User).filter_by(email="colleague@example.com"))
    assert colleague.enterprise_id == inviter.enterprise_id
    assert not colleague.is_enterprise_admin
    client.post("/logout")
    assert client.get(path).status_code == 404  # single use


def test_only_the_enterprise_admin_invites(client, users, login):
    plain = factories.create_user(Role.sme, enterprise=users[Role.sme].enterprise,
                                  is_enterprise_admin=False)
    login(plain)
    resp = client.post(f"/enterprises/{plain.enterprise_id}/colleagues",
                       data={"email": "x@example.com"})
    assert resp.status_code == 403
    assert count(Invitation) == 0


def test_admin_override_registers_a_failing_pilot_code_and_audits_it(client, users, login):
    login(users[Role.admin])
    data = {"uscc": "91512081MA62K0260F", "name": "试点时期企业", "legal_representative": "老王",
            "address": "晋江市", "industry_chain": "other", "size": "micro",
            "contact_phone": "0595-1234567", "first_user_email": "pilot@example.com"}
    resp = client.post("/admin/enterprises/new", data=data)
    assert resp.status_code == 400 and count(Enterprise) == 1  # refused: checksum
    data.update(override="y")
    resp = client.post("/admin/enterprises/new", data=data)
    assert count(Enterprise) == 1  # refused: no reason for the override
    data.update(override_reason="2015 年试点赋码，工商系统可查")
    resp = client.post("/admin/enterprises/new", data=data)
    ent = db.session.scalar(db.select(Enterprise).filter_by(uscc="91512081MA62K0260F"))
    assert ent.uscc_override and ent.status == EnterpriseStatus.verified
    ev = db.session.scalar(db.select(AuditEvent).filter_by(action="registered_with_override"))
    assert ev.reason == "2015 年试点赋码，工商系统可查" and ev.actor_id == users[Role.admin].id
    assert "/invitations/" in resp.get_data(as_text=True)


def test_audit_events_cannot_be_changed(app, users, client, login):
    from blueprints.audit.models import AuditLogIsAppendOnly, record_event
    ev = record_event(users[Role.admin], "labs", 1, "created")
    db.session.commit()
    ev.action = "tampered"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    db.session.delete(ev)
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()


def test_a_registration_typed_with_a_chinese_input_method_is_accepted(client):
    """Full-width letters, digits and dashes, as a Chinese IME types them."""
    wide = GOOD_CODE.translate({ord(c): ord(c) + 0xFEE0 for c in GOOD_CODE})
    resp = client.post("/enterprises/register", data=registration(
        uscc=wide, contact_phone="０５９５－８５６６１２３４"))
    assert resp.status_code == 302, resp.get_data(as_text=True)
    ent = db.session.scalars(db.select(Enterprise)).one()
    assert (ent.uscc, ent.contact_phone) == (GOOD_CODE, "0595-85661234")


def test_the_review_shows_the_licence_and_the_code_check(client, users, login):
    ent = factories.create_enterprise(status=EnterpriseStatus.pending, name="丙公司")
    login(users[Role.admin])
    page = client.get(f"/enterprises/{ent.id}").get_data(as_text=True)
    assert f'<img class="licence" src="/enterprises/{ent.id}/licence"' in page
    assert "营业执照.png" in page
    assert "校验位与前 17 位相符" in page and "企业（市场监管部门登记）" in page
    picture = client.get(f"/enterprises/{ent.id}/licence")
    assert picture.status_code == 200 and picture.mimetype == "image/png"
    assert picture.data == factories.licence_png()
    assert picture.headers["Content-Security-Policy"] == "sandbox"
    picture.close()
    # Its own members see it; nobody else learns it exists.
    member = factories.create_user(Role.sme, enterprise=ent)
    login(member)
    with client.get(f"/enterprises/{ent.id}/licence") as picture:
        assert picture.status_code == 200
    for stranger in (users[Role.sme], users[Role.lab_manager], users[Role.citizen]):
        login(stranger)
        assert client.get(f"/enterprises/{ent.id}/licence").status_code == 404
    client.post("/logout")
    assert client.get(f"/enterprises/{ent.id}/licence").status_code in (302, 401)


def test_no_verification_without_a_licence_or_of_a_changed_registration(client, users, login):
    bare = factories.create_enterprise(status=EnterpriseStatus.pending, licence=False)
    login(users[Role.admin])
    page = client.get(f"/enterprises/{bare.id}").get_data(as_text=True)
    assert "没有营业执照" in page
    client.post(f"/admin/enterprises/{bare.id}/verify", data={"version": str(bare.version)})
    db.session.refresh(bare)
    assert bare.status == EnterpriseStatus.pending
    # The enterprise changes its name while the administrator looks at the old one.
    ent = factories.create_enterprise(status=EnterpriseStatus.pending)
    seen = ent.version
    ent.name = "另一个名字有限公司"
    db.session.commit()
    client.post(f"/admin/enterprises/{ent.id}/verify", data={"version": str(seen)})
    db.session.refresh(ent)
    assert ent.status == EnterpriseStatus.pending


def test_registration_needs_a_licence_and_keeps_it_through_corrections(client):
    resp = client.post("/enterprises/register", data=registration(licence=False))
    assert resp.status_code == 400 and "请上传营业执照的照片或扫描件" in resp.get_data(as_text=True)
    assert count(Enterprise) == 0
    # A file that is not a picture or PDF is refused, whatever its name says.
    resp = client.post("/enterprises/register", data=registration(
        licence=(io.BytesIO(b"MZ\x90\x00 not a licence"), "licence.png")))
    assert resp.status_code == 400 and "仅可上传 PDF、JPEG 和 PNG 文件" in resp.get_data(as_text=True)
    # A good licence with a mistyped e-mail: the licence is kept, not asked for again.
    resp = client.post("/enterprises/register", data=registration(email="not-an-email"))
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "已收到：营业执照.png" in page
    kept = re.search(r'name="licence_kept" type="hidden" value="([^"]+)"', page).group(1)
    resp = client.post("/enterprises/register", data=registration(licence=False,
                                                                  licence_kept=kept))
    assert resp.status_code == 302
    ent = db.session.scalars(db.select(Enterprise)).one()
    assert ent.has_licence and ent.licence_name == "营业执照.png"
    # A forged token is not a licence.
    client.post("/logout")
    resp = client.post("/enterprises/register", data=registration(
        licence=False, licence_kept="forged", uscc=factories.valid_uscc(), email="x@y.example"))
    assert resp.status_code == 400 and count(Enterprise) == 1
