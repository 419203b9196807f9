"""Loads the demo catalogue and accounts from the JSON files in demo/data. Idempotent:
what exists (by code or e-mail) is left as it is, so running it twice changes nothing.

The files hold the data only: enum members as their values, decimals as strings, times
as "HH:MM" and dates as days from today. What is computed (credit codes' check
characters, dates, signatures, password hashes) is computed here."""
import json
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from decimal import Decimal
from importlib.resources import files

from blueprints.audit.models import record_event
from blueprints.auth.models import User
from blueprints.auth.signature import drawn_signature
from blueprints.catalogue.kinds import IndustryChain, LimitKind, ServiceKind
from blueprints.catalogue.method_links import link_all
from blueprints.catalogue.models import Capability, Service, ServiceIndustry, ServiceParameter
from blueprints.dashboards.refresh import refresh as refresh_figures
from blueprints.enterprises.models import Enterprise, EnterpriseSize, EnterpriseStatus
from blueprints.enterprises.uscc import check_character
from blueprints.labs.models import Lab, Signatory
from blueprints.metrology.models import Campaign, Instrument, InstrumentKind
from blueprints.scheduling.kinds import ResourceKind
from blueprints.scheduling.models import Booking, Resource
from blueprints.scheduling.slots import book, open_slots
from blueprints.service_requests.models import RequestItem, ServiceRequest, SubRequest
from blueprints.service_requests.submission import submit
from blueprints.standards.models import Adoption, Standard, StandardStatus
from blueprints.standards.references import parse_one
from core.roles import Role
from core.timeutil import local_today, utcnow
from core.uploads import store
from demo import clinic
from demo.licence import licence_picture
from demo.records import load_records
from extensions import db


def _read(name: str):
    """One of the data files, found beside this module (not in the current directory)."""
    return json.loads((files(__package__) / "data" / name).read_text(encoding="utf-8"))


def uscc_for(prefix8: str, org9: str) -> str:
    """A well-formed credit code: authority/type + division + organisation code + check."""
    body = prefix8 + org9
    return body + check_character(body)


def _enterprise(row: dict) -> dict:
    row = dict(row)
    data = dict(key=row.pop("key"),
                uscc=uscc_for(row.pop("uscc_prefix"), row.pop("organisation_code")))
    data.update(row)
    data.update(industry_chain=IndustryChain(row["industry_chain"]),
                size=EnterpriseSize(row["size"]), status=EnterpriseStatus(row["status"]))
    return data


# Read once, when the module is imported.
LABS = _read("labs.json")
_CATALOGUE = _read("services.json")
SERVICES = _CATALOGUE["services"]
DEMO_TRACEABILITY = _CATALOGUE["calibration_traceability"]

# Demo sign-ins, listed in the README. Demo data only: never load it in production.
_ACCOUNTS = _read("users.json")
DEMO_PASSWORD = _ACCOUNTS["password"]
DEMO_USERS = [{**user, "role": Role(user["role"])} for user in _ACCOUNTS["users"]]

DEMO_ENTERPRISES = [_enterprise(row) for row in _read("enterprises.json")]

# Two submitted requests of the demo enterprise, so the labs' queues are not empty.
DEMO_REQUESTS = _read("requests.json")

# The sample counters and an on-site team, so the booking pages and the lab calendar
# have something to show; and the demo enterprise's drop-off booked at one of them.
_SCHEDULING = _read("scheduling.json")
DEMO_RESOURCES = _SCHEDULING["resources"]
DEMO_BOOKING = _SCHEDULING["booking"]

# A market campaign day and a vendor's scale due for verification.
DEMO_METROLOGY = _read("metrology.json")

# The real standards the catalogue's methods name, with the editions they replaced.
DEMO_STANDARDS = _read("standards.json")["standards"]


@dataclass
class LoadReport:
    standards: int = 0
    labs: int = 0
    services: int = 0
    capabilities: int = 0
    enterprises: int = 0
    users: int = 0
    requests: int = 0
    experts: int = 0
    cases: int = 0
    notes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (f"standards +{self.standards}, labs +{self.labs}, services +{self.services}, "
                f"capabilities +{self.capabilities}, enterprises +{self.enterprises}, users +{self.users}, "
                f"requests +{self.requests}, experts +{self.experts}, "
                f"clinic cases +{self.cases}")


def _user(email: str) -> User | None:
    return db.session.scalar(db.select(User).filter_by(email=email))


def _demo_requests() -> int:
    """Submit the demo requests through the real routing (skipped once any exists)."""

    if db.session.scalar(db.select(ServiceRequest.id).limit(1)) is not None:
        return 0
    codes = {s.code: s for s in db.session.scalars(db.select(Service))}
    made = 0
    for data in DEMO_REQUESTS:
        applicant = _user(data["applicant"])
        if applicant is None or any(item["service"] not in codes for item in data["items"]):
            continue
        req = ServiceRequest(applicant_id=applicant.id, enterprise_id=applicant.enterprise_id,
                             title=data["title"], contact_name=applicant.name,
                             contact_phone=applicant.enterprise.contact_phone)
        req.items = [RequestItem(position=i, service_id=codes[item["service"]].id,
                                 sample_description=item["sample_description"],
                                 quantity=item["quantity"],
                                 price_cents=codes[item["service"]].price_cents)
                     for i, item in enumerate(data["items"], start=1)]
        db.session.add(req)
        db.session.flush()
        submit(req, applicant)
        made += 1
    return made


def _demo_resources(labs: dict) -> None:

    if db.session.scalar(db.select(Resource.id).limit(1)) is not None:
        return
    for data in DEMO_RESOURCES:
        if data["lab"] in labs:
            db.session.add(Resource(
                lab_id=labs[data["lab"]].id, name=data["name"], kind=ResourceKind(data["kind"]),
                opens=time.fromisoformat(data["opens"]), closes=time.fromisoformat(data["closes"]),
                weekdays=data["weekdays"], slot_minutes=data["slot_minutes"],
                capacity=data["capacity"]))
    db.session.flush()


def _demo_booking() -> None:
    """The demo enterprise's textile part has its drop-off booked on the next working
    day's first free slot."""

    data = DEMO_BOOKING
    applicant = _user(data["applicant"])
    sub = db.session.scalar(db.select(SubRequest).join(SubRequest.lab)
                            .where(Lab.code == data["lab"]).order_by(SubRequest.id).limit(1))
    counter = db.session.scalar(db.select(Resource).join(Resource.lab).where(
        Lab.code == data["lab"], Resource.kind == ResourceKind(data["resource_kind"])).limit(1))
    if applicant is None or sub is None or counter is None \
            or db.session.scalar(db.select(Booking.id).limit(1)):
        return
    slots = open_slots(counter, local_today() + timedelta(days=data["from_days"]),
                       data["search_days"])
    if slots:
        book(slots[0].id, applicant, sub)


def _demo_metrology(labs: dict) -> None:
    """A campaign day at a market in two weeks, and the demo vendor's scale, verified
    last year and due within the month (so the reminder job has something to say)."""

    campaign, instrument = DEMO_METROLOGY["campaign"], DEMO_METROLOGY["instrument"]
    service = db.session.scalar(db.select(Service).filter_by(code=campaign["service"]))
    lab = labs.get(campaign["lab"])
    organiser = _user(campaign["created_by"])
    if service and lab and organiser and not db.session.scalar(
            db.select(Campaign.id).limit(1)):
        db.session.add(Campaign(
            lab_id=lab.id, service_id=service.id, market=campaign["market"],
            address=campaign["address"], day=local_today() + timedelta(days=campaign["in_days"]),
            teams=campaign["teams"], target=campaign["target"], created_by_id=organiser.id,
            notes=campaign["notes"]))
    owner = db.session.scalar(db.select(User).filter_by(phone=instrument["owner_phone"]))
    if owner and not db.session.scalar(db.select(Instrument.id).filter_by(owner_id=owner.id)):
        db.session.add(Instrument(
            owner_id=owner.id, kind=InstrumentKind(instrument["kind"]), make=instrument["make"],
            model=instrument["model"], serial=instrument["serial"],
            max_capacity=Decimal(instrument["max_capacity"]), e=Decimal(instrument["e"]),
            accuracy_class=instrument["accuracy_class"], market=instrument["market"],
            stall=instrument["stall"],
            last_verified=local_today() - timedelta(days=instrument["last_verified_days_ago"]),
            next_due=local_today() + timedelta(days=instrument["next_due_in_days"])))
    db.session.flush()


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _demo_standards() -> int:
    """The real standards of standards.json, each reindexed; an edition already in the
    catalogue (by its number) is left as it is. What replaced an edition is linked in a
    second pass, once every edition has its row."""
    existing = set(db.session.scalars(db.select(Standard.code)))
    made = {}
    for data in DEMO_STANDARDS:
        ref = parse_one(data["code"])
        if str(ref) in existing:
            continue
        row = Standard.from_reference(
            ref, title_zh=data["title_zh"], title_en=data["title_en"],
            status=StandardStatus(data["status"]), issued_on=_day(data["issued_on"]),
            implemented_on=_day(data["implemented_on"]),
            withdrawn_on=_day(data["withdrawn_on"]), ics=data["ics"], body=data["body"],
            adoption=Adoption(data["adoption"]), adopted_from=data["adopted_from"],
            scope_zh=data["scope_zh"], scope_en=data.get("scope_en", ""))
        row.reindex()
        db.session.add(row)
        made[row.code] = data
    db.session.flush()
    successors = {data["replaced_by"] for data in made.values() if data["replaced_by"]}
    if successors:
        rows = {s.code: s for s in db.session.scalars(
            db.select(Standard).where(Standard.code.in_(set(made) | successors)))}
        for code, data in made.items():
            if data["replaced_by"]:
                rows[code].replaced_by = rows[data["replaced_by"]]
        db.session.flush()
    return len(made)


def _decimal(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def load_demo() -> LoadReport:
    report = LoadReport()
    report.standards = _demo_standards()
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
                             limit_text=p["limit_text"], has_uncertainty=p["has_uncertainty"],
                             detection_limit=_decimal(p.get("detection_limit")),
                             grade_scale=p.get("grade_scale", ""))
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
    link_all()   # each service's method text, read into links to the catalogue

    enterprises = {}
    for data in DEMO_ENTERPRISES:
        data = dict(data)
        key = data.pop("key")
        ent = db.session.scalar(db.select(Enterprise).filter_by(uscc=data["uscc"]))
        if ent is None:
            ent = Enterprise(**data)
            if ent.status == EnterpriseStatus.verified:
                ent.verified_at = utcnow()
            ent.take_licence(store(licence_picture(ent.name, ent.uscc, ent.legal_representative,
                                                   ent.address)), "营业执照.png", by_admin=True)
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
        signs = data.pop("signatory", None)
        user = User(**data)
        if lab_code:
            user.lab = labs[lab_code]
        if ent_key:
            user.enterprise = enterprises[ent_key]
            user.is_enterprise_admin = True
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
        if signs:  # each demo lab has two authorised signatories (four eyes)
            user.signature_png = drawn_signature(user.name)
            db.session.flush()
            Signatory.name(user.lab_id, user, None, signs["kinds"], signs["scope"],
                           local_today() - timedelta(days=365))
        report.users += 1
    db.session.flush()
    _demo_resources(labs)
    report.requests = _demo_requests()
    _demo_booking()
    _demo_metrology(labs)
    report.experts = clinic.load_experts(enterprises)
    report.cases = clinic.load_cases()
    load_records(enterprises["91350582"])
    record_event(None, "demo", None, "loaded", after={
        "standards": report.standards, "labs": report.labs, "services": report.services,
        "users": report.users})
    db.session.commit()
    refresh_figures()   # the dashboards show the demo's figures at once, not at the worker's turn
    return report
