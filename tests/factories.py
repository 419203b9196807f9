"""create_x factories with sensible defaults; every call makes a distinct row."""
import functools
import io
import itertools
from decimal import Decimal  # noqa: F401  (re-exported for tests)

from PIL import Image
from werkzeug.security import generate_password_hash

from blueprints.auth.models import User
from blueprints.catalogue.kinds import IndustryChain, LimitKind, ServiceKind
from blueprints.catalogue.models import Capability, Service, ServiceIndustry, ServiceParameter
from blueprints.enterprises.models import Enterprise, EnterpriseSize, EnterpriseStatus
from blueprints.enterprises.uscc import check_character
from blueprints.labs.models import Lab, Signatory
from blueprints.standards.models import Standard, StandardStatus
from blueprints.standards.references import parse_one
from core.roles import Role
from core.timeutil import local_today
from core.uploads import store
from extensions import db

PASSWORD = "factory-pass-1"
_seq = itertools.count(1)


def valid_uscc(n: int | None = None) -> str:
    n = next(_seq) if n is None else n
    body = f"91350582{n:09d}"
    return body + check_character(body)


def create_lab(**kw) -> Lab:
    n = next(_seq)
    lab = Lab(**{"code": f"LAB{n}", "name_zh": f"测试实验室{n}", "name_en": f"Test Lab {n}",
                 "cma_number": "231312050123", "cnas_number": "CNAS L1234",
                 "address": "福建省晋江市世纪大道 1 号", "daily_capacity": 20, **kw})
    db.session.add(lab)
    db.session.commit()
    return lab


def create_service(labs=(), chains=(IndustryChain.textiles_footwear,), parameters=None,
                   **kw) -> Service:
    n = next(_seq)
    service = Service(**{"code": f"SV-{n}", "kind": ServiceKind.testing,
                         "name_zh": f"甲醛含量{n}", "name_en": f"Formaldehyde content {n}",
                         "method_standard": "GB/T 2912.1-2009", "price_cents": 15000,
                         "turnaround_days": 5, **kw})
    service.industries = [ServiceIndustry(chain=c) for c in chains]
    service.parameters = parameters or [
        ServiceParameter(position=1, name_zh="甲醛", name_en="Formaldehyde", unit="mg/kg",
                         limit_kind=LimitKind.max, limit_max=75)]
    for lab in labs:
        service.capabilities.append(Capability(lab=lab, price_cents=service.price_cents,
                                               turnaround_days=service.turnaround_days,
                                               daily_capacity=10))
    db.session.add(service)
    db.session.commit()
    return service


@functools.cache
def licence_png() -> bytes:
    """A small picture standing in for a photographed business licence."""
    out = io.BytesIO()
    Image.new("RGB", (120, 80), (200, 40, 40)).save(out, "PNG")
    return out.getvalue()


def create_enterprise(status=EnterpriseStatus.verified, licence: bool = True,
                      **kw) -> Enterprise:
    """An enterprise; with its business licence on file unless `licence=False`."""
    n = next(_seq)
    ent = Enterprise(**{"uscc": valid_uscc(n), "name": f"晋江测试鞋业有限公司{n}",
                        "legal_representative": "张三", "address": "福建省晋江市陈埭镇",
                        "industry_chain": IndustryChain.textiles_footwear,
                        "size": EnterpriseSize.small, "contact_phone": "0595-85661234",
                        "status": status, **kw})
    if licence:
        ent.take_licence(store(licence_png()), "营业执照.png", by_admin=True)
    db.session.add(ent)
    db.session.commit()
    return ent


@functools.cache
def _default_hash() -> str:
    return generate_password_hash(PASSWORD)


@functools.cache
def _default_signature() -> bytes:
    from blueprints.auth.signature import drawn_signature
    return drawn_signature("签字人")


def create_user(role: Role = Role.sme, enterprise=None, lab=None, password=PASSWORD,
                signatory: bool | None = None, **kw) -> User:
    """A user; a lab manager is by default also an authorised signatory of their lab
    for every kind of work (`signatory=False` for one who is not), with a signature."""
    n = next(_seq)
    if role == Role.citizen:
        kw.setdefault("phone", f"139{n:08d}")
    else:
        kw.setdefault("email", f"user{n}@example.com")
    if role == Role.sme and enterprise is None:
        enterprise = create_enterprise()
    user = User(name=kw.pop("name", f"用户{n}"), role=role, enterprise=enterprise, lab=lab,
                is_enterprise_admin=kw.pop("is_enterprise_admin", role == Role.sme), **kw)
    if role == Role.lab_manager and "signature_png" not in kw:
        user.signature_png = _default_signature()
    if password == PASSWORD:
        user.password_hash = _default_hash()  # scrypt is slow by design: hash once per run
    else:
        user.set_password(password)
    db.session.add(user)
    db.session.flush()
    if lab is not None and (signatory if signatory is not None else role == Role.lab_manager):
        name_signatory(lab, user)
    db.session.commit()
    return user


def name_signatory(lab, user, kinds=tuple(ServiceKind), scope: str = ""):
    """Authorise `user` to sign `kinds` for `lab` (as its manager would)."""
    sig = Signatory.name(lab.id, user, None, [k.value for k in kinds], scope, local_today())
    db.session.commit()
    return sig


def create_approved_part(lab, service, applicant, manager, values=("12.5",),
                         uncertainty=None, state="approved", reference=None):
    """A one-item part of `lab`, sample received and results entered (by an analyst of
    the lab), approved by `manager`: what the lifecycle leaves before issuing."""

    from blueprints.service_requests.lifecycle import State
    from blueprints.service_requests.models import (
        RequestItem,
        Result,
        Sample,
        ServiceRequest,
        SubRequest,
    )
    from blueprints.service_requests.verdicts import verdict
    from core.timeutil import utcnow
    n = next(_seq)
    analyst = create_user(Role.lab_staff, lab=lab)
    req = ServiceRequest(number=f"QD-2026-{n:06d}", state=State.submitted,
                         enterprise=applicant.enterprise, applicant=applicant,
                         title=f"送检{n}", contact_name="许雅婷", contact_phone="13900000000",
                         submitted_at=utcnow())
    sub = SubRequest(request=req, lab=lab, part=1, state=State(state),
                     approved_by_id=manager.id, approved_at=utcnow())
    item = RequestItem(request=req, sub_request=sub, service=service,
                       sample_description=f"电子秤 S/N {n}", price_cents=0)
    item.sample = Sample(code=f"S{n}", condition="完好 intact", received_by_id=analyst.id)
    for param, value in zip(service.parameters, values, strict=False):
        item.results.append(Result(parameter=param, value=Decimal(value),
                                   uncertainty=uncertainty, entered_by_id=analyst.id,
                                   reference_value=reference,
                                   verdict=verdict(param.limit_kind, Decimal(value),
                                                   param.limit_min, param.limit_max)))
    db.session.add(req)
    db.session.commit()
    return sub


def create_resource(lab_id: int, kind: str = "reception", name: str = "收样窗口",
                    opens=(0, 0), closes=(23, 59), weekdays: str = "0123456",
                    slot_minutes: int = 60, capacity: int = 2):
    """A bookable resource; by default a counter open all day every day, so no test
    depends on today's weekday or the hour it runs at."""
    from datetime import time

    from blueprints.scheduling.kinds import ResourceKind
    from blueprints.scheduling.models import Resource
    resource = Resource(lab_id=lab_id, name=name, kind=ResourceKind(kind), opens=time(*opens),
                        closes=time(*closes), weekdays=weekdays, slot_minutes=slot_minutes,
                        capacity=capacity)
    db.session.add(resource)
    db.session.commit()
    return resource


def create_standard(code: str, title_zh: str = "", title_en: str = "",
                    status: StandardStatus = StandardStatus.current, **kw) -> Standard:
    """An edition in the standards catalogue, indexed for search."""
    row = Standard.from_reference(parse_one(code), title_zh=title_zh, title_en=title_en,
                                  status=status, **kw)
    row.reindex()
    db.session.add(row)
    db.session.commit()
    return row


def create_expert(lab=None, employer=None, chains=("textiles_footwear",), skills=("root_cause",),
                  ics_fields=(), conflicts=(), max_open_cases: int = 5, **kw):
    """An expert of the clinic's pool: lab staff of `lab`, or an outside specialist
    (role expert) working for the enterprise `employer` (or nobody the desk knows)."""
    from blueprints.clinic.models import Expert, ExpertConflict
    user = create_user(Role.lab_staff if lab is not None else Role.expert, lab=lab,
                       name=kw.pop("name", None) or f"专家{next(_seq)}")
    expert = Expert(user=user, employer_lab_id=lab.id if lab else None,
                    employer_enterprise_id=employer.id if employer else None,
                    chains=list(chains), skills=list(skills), ics_fields=list(ics_fields),
                    max_open_cases=max_open_cases,
                    conflicts=[ExpertConflict(enterprise_id=e.id) for e in conflicts], **kw)
    db.session.add(expert)
    db.session.commit()
    return expert
