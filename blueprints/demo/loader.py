"""Loads the demo catalogue and accounts. Idempotent: what exists (by code or
e-mail) is left as it is, so running it twice changes nothing."""
from dataclasses import dataclass, field
from decimal import Decimal

from blueprints.audit.models import record_event
from blueprints.auth.models import User
from blueprints.auth.signature import drawn_signature
from blueprints.catalogue.kinds import IndustryChain, LimitKind, ServiceKind
from blueprints.catalogue.models import Capability, Service, ServiceIndustry, ServiceParameter
from blueprints.demo.catalogue_data import LABS, SERVICES
from blueprints.enterprises.models import Enterprise, EnterpriseSize, EnterpriseStatus
from blueprints.enterprises.uscc import check_character
from blueprints.labs.models import Lab
from core.roles import Role
from core.timeutil import utcnow
from extensions import db

DEMO_TRACEABILITY = ("参考标准经福建省计量科学研究院检定/校准，溯源至国家计量基准。"
                     "Reference standards calibrated by the Fujian Institute of Metrology, "
                     "traceable to the national measurement standards of China.")

# Demo sign-ins, listed in the README. Demo data only: never load it in production.
DEMO_PASSWORD = "demo-pass-2026"
DEMO_USERS = [
    dict(email="admin@qidesk.example", name="平台管理员 王敏", role=Role.admin,
         job_title="市场监管局 质量发展科"),
    dict(email="manager@jmi.qidesk.example", name="陈建华", role=Role.lab_manager, lab="JMI",
         job_title="计量所 授权签字人"),
    dict(email="analyst@ntc.qidesk.example", name="林晓燕", role=Role.lab_staff, lab="NTC",
         job_title="纺织检测工程师"),
    dict(email="manager@ntc.qidesk.example", name="黄志强", role=Role.lab_manager, lab="NTC",
         job_title="检测中心 技术负责人"),
    dict(email="sme@qidesk.example", name="许雅婷", role=Role.sme, enterprise="91350582",
         job_title="品质部 主管"),
    dict(phone="13800000001", name="蔡阿姨", role=Role.citizen),
]


def uscc_for(prefix8: str, org9: str) -> str:
    """A well-formed credit code: authority/type + division + organisation code + check."""
    body = prefix8 + org9
    return body + check_character(body)


DEMO_ENTERPRISES = [
    dict(key="91350582", uscc=uscc_for("91350582", "MA2XK7L31"),
         name="晋江市鸿鹄鞋服有限公司", legal_representative="许国栋",
         address="福建省晋江市陈埭镇鞋都路 88 号", industry_chain=IndustryChain.textiles_footwear,
         size=EnterpriseSize.medium, contact_phone="0595-85123456",
         status=EnterpriseStatus.verified),
    dict(key="pending-food", uscc=uscc_for("91350582", "MA31PQ8T5"),
         name="晋江市海滨休闲食品有限公司", legal_representative="吴美玲",
         address="福建省晋江市深沪镇食品工业园 6 号", industry_chain=IndustryChain.leisure_food,
         size=EnterpriseSize.small, contact_phone="0595-88776655",
         status=EnterpriseStatus.pending),
    dict(key="pending-ceramics", uscc=uscc_for("91350582", "MA8C4R2W0"),
         name="晋江磁灶新锦陶瓷有限公司", legal_representative="张永福",
         address="福建省晋江市磁灶镇陶瓷大道 168 号", industry_chain=IndustryChain.building_ceramics,
         size=EnterpriseSize.medium, contact_phone="0595-85889900",
         status=EnterpriseStatus.pending),
]


@dataclass
class LoadReport:
    labs: int = 0
    services: int = 0
    capabilities: int = 0
    enterprises: int = 0
    users: int = 0
    requests: int = 0
    notes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (f"labs +{self.labs}, services +{self.services}, capabilities "
                f"+{self.capabilities}, enterprises +{self.enterprises}, users +{self.users}, "
                f"requests +{self.requests}")


# Two submitted requests of the demo enterprise, so the labs' queues are not empty.
DEMO_REQUESTS = [
    dict(title="春季童装面料安全性能送检", items=[("TX-001", "针织童装面料，批号 CK-2611", 2),
                                          ("TX-003", "同批面料", 1)]),
    dict(title="车间压力表年度校准", items=[("MT-005", "一般压力表 0–1.6 MPa，编号 P-07", 3)]),
]


def _demo_requests() -> int:
    """Submit the demo requests through the real routing (skipped once any exists)."""
    from blueprints.service_requests.models import RequestItem, ServiceRequest
    from blueprints.service_requests.submission import submit

    if db.session.scalar(db.select(ServiceRequest.id).limit(1)) is not None:
        return 0
    sme = db.session.scalar(db.select(User).filter_by(email="sme@qidesk.example"))
    codes = {s.code: s for s in db.session.scalars(db.select(Service))}
    made = 0
    for data in DEMO_REQUESTS:
        if sme is None or any(code not in codes for code, _d, _q in data["items"]):
            continue
        req = ServiceRequest(applicant_id=sme.id, enterprise_id=sme.enterprise_id,
                             title=data["title"], contact_name=sme.name,
                             contact_phone=sme.enterprise.contact_phone)
        req.items = [RequestItem(position=i, service_id=codes[code].id, sample_description=desc,
                                 quantity=qty, price_cents=codes[code].price_cents)
                     for i, (code, desc, qty) in enumerate(data["items"], start=1)]
        db.session.add(req)
        db.session.flush()
        submit(req, sme)
        made += 1
    return made


# The sample counters and an on-site team, so the booking pages and the lab calendar
# have something to show.
DEMO_RESOURCES = [
    dict(lab="NTC", name="收样窗口 Sample counter", kind="reception", opens=(8, 30),
         closes=(11, 30), slot_minutes=30, capacity=2),
    dict(lab="JMI", name="送检大厅 Reception hall", kind="reception", opens=(9, 0),
         closes=(16, 0), slot_minutes=60, capacity=4),
    dict(lab="JMI", name="现场检定一组 On-site team 1", kind="onsite_team", opens=(9, 0),
         closes=(17, 0), slot_minutes=240, capacity=1),
]


def _demo_resources(labs: dict) -> None:
    from datetime import time

    from blueprints.scheduling.models import Resource, ResourceKind

    if db.session.scalar(db.select(Resource.id).limit(1)) is not None:
        return
    for data in DEMO_RESOURCES:
        if data["lab"] in labs:
            db.session.add(Resource(
                lab_id=labs[data["lab"]].id, name=data["name"], kind=ResourceKind(data["kind"]),
                opens=time(*data["opens"]), closes=time(*data["closes"]), weekdays="01234",
                slot_minutes=data["slot_minutes"], capacity=data["capacity"]))
    db.session.flush()


def _demo_booking() -> None:
    """The demo enterprise's textile part has its drop-off booked on the next working
    day's first free slot."""
    from datetime import timedelta

    from blueprints.scheduling.models import Booking, Resource, ResourceKind
    from blueprints.scheduling.slots import book, open_slots
    from blueprints.service_requests.models import SubRequest
    from core.timeutil import local_today

    sme = db.session.scalar(db.select(User).filter_by(email="sme@qidesk.example"))
    sub = db.session.scalar(db.select(SubRequest).join(SubRequest.lab)
                            .where(Lab.code == "NTC").order_by(SubRequest.id).limit(1))
    counter = db.session.scalar(db.select(Resource).join(Resource.lab).where(
        Lab.code == "NTC", Resource.kind == ResourceKind.reception).limit(1))
    if sme is None or sub is None or counter is None \
            or db.session.scalar(db.select(Booking.id).limit(1)):
        return
    slots = open_slots(counter, local_today() + timedelta(days=1), 14)
    if slots:
        book(slots[0].id, sme, sub)


def _demo_metrology(labs: dict) -> None:
    """A campaign day at a market in two weeks, and the demo vendor's scale, verified
    last year and due within the month (so the reminder job has something to say)."""
    from datetime import timedelta

    from blueprints.metrology.models import Campaign, Instrument, InstrumentKind
    from core.timeutil import local_today

    scale_service = db.session.scalar(db.select(Service).filter_by(code="MT-001"))
    jmi = labs.get("JMI")
    manager = db.session.scalar(db.select(User).filter_by(email="manager@jmi.qidesk.example"))
    if scale_service and jmi and manager and not db.session.scalar(
            db.select(Campaign.id).limit(1)):
        db.session.add(Campaign(
            lab_id=jmi.id, service_id=scale_service.id, market="青阳农贸市场",
            address="福建省晋江市青阳街道青华路 66 号", day=local_today() + timedelta(days=14),
            teams=3, target=150, created_by_id=manager.id,
            notes="免费检定电子计价秤，请携带电源线，秤盘保持清洁。"))
    vendor = db.session.scalar(db.select(User).filter_by(phone="13800000001"))
    if vendor and not db.session.scalar(db.select(Instrument.id).filter_by(owner_id=vendor.id)):
        db.session.add(Instrument(
            owner_id=vendor.id, kind=InstrumentKind.price_computing_scale, make="上海友声",
            model="ACS-15", serial="YS20250417", max_capacity=Decimal(15000), e=Decimal(5),
            accuracy_class="III", market="青阳农贸市场", stall="A-12",
            last_verified=local_today() - timedelta(days=345),
            next_due=local_today() + timedelta(days=20)))
    db.session.flush()


def _decimal(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def load_demo() -> LoadReport:
    report = LoadReport()
    labs = {lab.code: lab for lab in db.session.scalars(db.select(Lab))}
    for data in LABS:
        if data["code"] not in labs:
            labs[data["code"]] = Lab(**data)
            db.session.add(labs[data["code"]])
            report.labs += 1
    db.session.flush()

    existing = {s.code: s for s in db.session.scalars(db.select(Service))}
    for data in SERVICES:
        if data["code"] in existing:
            continue
        data = dict(data)
        offers = data.pop("labs")
        params = data.pop("parameters")
        chains = data.pop("industries")
        kind = ServiceKind(data.pop("kind"))
        service = Service(**data, kind=kind)
        service.industries = [ServiceIndustry(chain=IndustryChain(c)) for c in chains]
        service.parameters = [
            ServiceParameter(position=i, name_zh=p["name_zh"], name_en=p["name_en"],
                             unit=p["unit"], limit_kind=LimitKind(p["limit_kind"]),
                             limit_min=_decimal(p["limit_min"]), limit_max=_decimal(p["limit_max"]),
                             limit_text=p["limit_text"], has_uncertainty=p["has_uncertainty"])
            for i, p in enumerate(params, start=1)]
        for offer in offers:
            service.capabilities.append(Capability(
                lab=labs[offer["lab"]],
                price_cents=service.price_cents if offer["price_cents"] is None else offer["price_cents"],
                turnaround_days=offer["turnaround_days"] or service.turnaround_days,
                daily_capacity=offer["daily_capacity"], cma_accredited=offer["cma"],
                cnas_accredited=offer["cnas"],
                traceability=DEMO_TRACEABILITY if kind == ServiceKind.calibration else ""))
            report.capabilities += 1
        db.session.add(service)
        report.services += 1
    db.session.flush()

    enterprises = {}
    for data in DEMO_ENTERPRISES:
        data = dict(data)
        key = data.pop("key")
        ent = db.session.scalar(db.select(Enterprise).filter_by(uscc=data["uscc"]))
        if ent is None:
            ent = Enterprise(**data)
            if ent.status == EnterpriseStatus.verified:
                ent.verified_at = utcnow()
            db.session.add(ent)
            report.enterprises += 1
        enterprises[key] = ent
    db.session.flush()

    for data in DEMO_USERS:
        data = dict(data)
        login = {"email": data["email"]} if "email" in data else {"phone": data["phone"]}
        if db.session.scalar(db.select(User.id).filter_by(**login)):
            continue
        lab_code = data.pop("lab", None)
        ent_key = data.pop("enterprise", None)
        user = User(**data)
        if lab_code:
            user.lab = labs[lab_code]
        if ent_key:
            user.enterprise = enterprises[ent_key]
            user.is_enterprise_admin = True
        user.set_password(DEMO_PASSWORD)
        if user.role == Role.lab_manager:
            user.signature_png = drawn_signature(user.name)
        db.session.add(user)
        report.users += 1
    db.session.flush()
    _demo_resources(labs)
    report.requests = _demo_requests()
    _demo_booking()
    _demo_metrology(labs)
    record_event(None, "demo", None, "loaded", after={
        "labs": report.labs, "services": report.services, "users": report.users})
    db.session.commit()
    return report
