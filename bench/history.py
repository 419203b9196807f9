"""A realistic history of the desk for benches and load tests: years of requests, most
of them long closed, written straight into the tables (bulk inserts with explicit
ids, a commit per batch) with the audit trail the worker computes its figures from.

    from history import fill
    facts = fill(url, 100_000, years=3, seed=2026, backlog_lab=None)

It migrates the database and loads the demo catalogue (labs, services, capabilities,
accounts) first, then adds, with these shares (and why):

- Enterprises: 4 x sqrt(n), 300 to 4,000 (a county's makers: more requests mostly mean
  more history per maker, not more makers), over the industry chains by their weight in
  Jinjiang (textiles and footwear 40 %, food 15 %, ceramics 15 %, equipment 10 %, chips
  6 %, medical 4 %, other 10 %). How much each asks for is log-normal (sigma 1.1): a few
  large makers ask a lot (the busiest 2 % of the requests at 100,000, under 1 % at a
  million), most little. Each has 1-3 users, 0-6 measuring instruments of its own (1 in
  10 overdue) and follows a few standards (3 in 10 do).
- Requests: spread over `years`, growing 30 % a year, on working days in office hours (8 %
  at weekends or in the evening), quieter around the Spring Festival. 6 % are market
  vendors' free trade-scale verifications (1-3 scales, a part each, at the lab that
  verifies them; 7 % of scales fail). An enterprise's request has 1 item (55 %), 2 (25 %),
  3 (12 %), 4-5 (8 %), each of a kind (testing 70 %, calibration 22 %, standards 5 %,
  diagnosis 2 %, verification 1 %, among those the chain's services have), then a
  service of that kind for its chain drawn by the labs' daily capacity for it, sent to
  one of the labs offering it (by that lab's capacity); a request's parts are its labs.
- Lives (audit events at realistic moments, lab steps in office hours): answered the
  same or next working day (5 % later); 1.5 % rejected; 6 % returned for information (15 %
  of those then cancelled); paid work quoted and accepted within 0-3 working days (3 %
  cancelled at the quote), free work accepted at once; samples in 0-5 working days later
  (35 % of parts at a lab with a sample counter book a drop-off slot, when one is free);
  the lab works to the due date: 40-100 % of the turnaround left, 12 % of parts 1-6
  working days more (late: about 84 % on time in all);
  3 % sent back at review; approved and issued within a working day; 0.3 % reopened and
  reissued (a second certificate replacing the first); 85 % closed by the applicant
  within two weeks, the rest left issued.
- Results: one per parameter of the service; 5-12 % of judged items fail (by chain, about
  90 % pass in all), on one parameter; calibrations are reported, not judged.
- Ratings: 40 % of closed parts, levels 5/4/3/2/1 at 68/21/6/3/2 %; 90 % of the bad ones
  (1-2) followed up. Notifications: the applicant's for each step that tells them (read,
  but for some of the last week's), the lab managers' for a bad review.
- Open work, bounded by each lab's capacity: at most 10 working days of its daily
  capacity (NTC 4,000 ... SQC 200 parts) are still under way, the newest (older parts'
  lives are squeezed to end before now); 1 % of the last four months' parts stalled (a
  quote or samples awaited, work stopped), up to 15 % of that bound. `backlog_lab` (a lab
  code) gives that lab 50,000 open parts instead: its newest, stuck at every stage.

Not made here: samples, quality-clinic cases (bench/clinic.py), campaign days, mail.
"""
import bisect
import heapq
import math
import random
import sys
import time as clock
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from harness import ROOT

sys.path.insert(0, ROOT)

from flask_migrate import upgrade
from sqlalchemy import bindparam, func, select, text
from werkzeug.security import generate_password_hash

from app import create_app
from blueprints.auth.models import User
from blueprints.catalogue.models import Capability, Service, ServiceIndustry, ServiceParameter
from blueprints.enterprises.uscc import check_character
from blueprints.labs.models import Lab, Signatory
from blueprints.metrology.scale_verification import RULES
from blueprints.scheduling.allocation import day_starts
from blueprints.scheduling.kinds import ResourceKind
from blueprints.scheduling.models import Resource, Slot
from blueprints.service_requests.open_work import recount as recount_open_work
from blueprints.standards.models import Standard
from core.numbering import NumberSequence
from demo.loader import load_demo
from extensions import db

PASSWORD = "bench-pass-2026"
PUBLIC = "http://127.0.0.1"
BATCH = 2000                       # requests per commit

CHAINS = {"textiles_footwear": 40, "leisure_food": 15, "building_ceramics": 15,
          "smart_equipment": 10, "integrated_circuits": 6, "nuclear_medicine": 4,
          "other": 10}
WORDS = {"textiles_footwear": "鞋服", "leisure_food": "食品", "building_ceramics": "陶瓷",
         "smart_equipment": "机械", "integrated_circuits": "微电子",
         "nuclear_medicine": "医疗器械", "other": "实业"}
PRODUCTS = {"textiles_footwear": ["运动鞋", "童鞋", "针织面料", "运动服", "袜子"],
            "leisure_food": ["膨化食品", "糖果", "饼干", "果冻"],
            "building_ceramics": ["瓷质抛光砖", "釉面砖", "卫生陶瓷"],
            "smart_equipment": ["制鞋机械", "智能门锁", "电动工具"],
            "integrated_circuits": ["功率器件", "传感器模组"],
            "nuclear_medicine": ["医用口罩", "医用敷料"], "other": ["箱包", "雨伞"]}
FAILS = {"textiles_footwear": 0.12, "leisure_food": 0.06, "building_ceramics": 0.09,
         "smart_equipment": 0.11, "integrated_circuits": 0.08, "nuclear_medicine": 0.05,
         "other": 0.10}
MARKETS = ["青阳农贸市场", "梅岭农贸市场", "西园农贸市场", "安海农贸市场", "磁灶农贸市场",
           "陈埭农贸市场", "内坑农贸市场", "罗山农贸市场"]
SURNAMES = "王李张刘陈杨黄吴林郑许蔡洪施苏庄丁何曾谢"
GIVEN = ["建国", "志明", "晓燕", "国栋", "丽华", "文斌", "秀英", "海峰", "雅琴", "振华"]

GROWTH = 0.30                      # a year, continuous
OFF_HOURS = 0.08                   # of submissions: weekends and evenings
SPRING_FESTIVAL = {2022: date(2022, 2, 1), 2023: date(2023, 1, 22), 2024: date(2024, 2, 10),
                   2025: date(2025, 1, 29), 2026: date(2026, 2, 17), 2027: date(2027, 2, 6),
                   2028: date(2028, 1, 26)}
SCALE_SHARE = 0.06                 # of requests: a vendor's scales
ITEMS = {1: 55, 2: 25, 3: 12, 4: 6, 5: 2}
KINDS = {"testing": 70, "calibration": 22, "standards": 5, "diagnosis": 2, "verification": 1}
SCALES = {1: 70, 2: 22, 3: 8}
SCALE_FAILS = 0.07

ANSWER_DAYS = ([0, 1, 2, 3], [70, 25, 4, 1])
REJECTED, RETURNED, CANCELLED_RETURNED, CANCELLED_AT_QUOTE = 0.015, 0.06, 0.15, 0.03
ACCEPT_DAYS = ([0, 1, 2, 3], [40, 35, 15, 10])
DELIVERY_DAYS = ([0, 1, 2, 3, 5], [30, 35, 20, 10, 5])
BOOKED = 0.35
LATE, SENT_BACK, AMENDED = 0.12, 0.03, 0.003
CLOSED = 0.85
RATED = 0.40
LEVELS = ([5, 4, 3, 2, 1], [68, 21, 6, 3, 2])
FOLLOWED_UP = 0.90
FOLLOW_UP_DAYS = 15                # working days, as the desk gives a bad review

OPEN_DAYS = 10                     # open work bound: working days of a lab's capacity
WINDOW = timedelta(days=45)        # no part older than this is still naturally under way
STALLED, STALLED_SHARE = 0.01, 0.15
STALL_AGE = timedelta(days=120)
STALLED_AT = (["quoted", "confirmed", "in_progress", "submitted"], [40, 35, 15, 10])
BACKLOG = 50_000
BACKLOG_AT = (["submitted", "confirmed", "sample_received", "in_progress", "in_review",
               "approved"], [30, 15, 20, 25, 7, 3])

# The lifecycle's audit events and the state each leads to (service_requests/lifecycle.py).
STATE_OF = {"returned": "returned", "resubmitted": "submitted", "rejected": "rejected",
            "cancelled": "cancelled", "quoted": "quoted", "accepted": "confirmed",
            "quote_accepted": "confirmed", "sample_received": "sample_received",
            "work_started": "in_progress", "results_submitted": "in_review",
            "sent_back": "in_progress", "approved": "approved", "issued": "issued",
            "closed": "closed", "reopened_for_amendment": "in_progress"}
PAUSED = {"returned", "quoted", "confirmed"}
RELEASING = {"returned", "cancelled", "rejected"}
APPLICANT_STEPS = {"resubmitted", "cancelled", "quote_accepted", "closed"}
ANALYST_STEPS = {"sample_received", "work_started", "results", "results_submitted"}
# What the applicant is told, by step (notifications/events.py), for samples and scales.
TOLD = {"returned": "request_returned", "quoted": "request_quoted",
        "accepted": "request_accepted", "sample_received": "sample_received",
        "approved": "results_approved", "issued": "certificate_issued"}
TOLD_SCALES = {**TOLD, "accepted": "scale_accepted", "sample_received": "scale_received",
               "approved": "scale_verified", "issued": "scale_certificate_issued"}
REASONS = {"returned": "请补充样品规格与执行标准", "rejected": "超出本实验室认可范围",
           "sent_back": "请复核原始记录", "reopened_for_amendment": "报告信息更正"}
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
# Tables in the order their foreign keys need.
TABLES = ("slots", "service_requests", "sub_requests", "request_items", "results",
          "scale_verifications", "certificates", "ratings", "bookings", "notifications",
          "audit_events")

# -- local time and working days ---------------------------------------------------------

LOCAL = timedelta(hours=8)          # Asia/Shanghai: no summer time
DAY = timedelta(days=1)


def utc(local: datetime) -> datetime:
    """A local (naive) moment as the aware UTC one the desk stores."""
    return (local - LOCAL).replace(tzinfo=UTC)


def next_working(day: date) -> date:
    """Monday to Friday, as the demo's calendar (no holidays entered)."""
    return day + timedelta(days=7 - day.weekday()) if day.weekday() >= 5 else day


def add_workdays(day: date, n: int) -> date:
    """`n` working days after `day` (core/workdays.py's rule, in constant time)."""
    day = next_working(day)
    weeks, rest = divmod(n, 5)
    if day.weekday() + rest >= 5:
        rest += 2
    return day + timedelta(days=7 * weeks + rest)


def _weekdays_before(ordinal: int) -> int:
    k = ordinal - 1                 # ordinal 1 is a Monday
    return 5 * (k // 7) + min(k % 7, 5)


def workdays_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end`."""
    start = next_working(start)
    if end <= start:
        return 0
    return _weekdays_before(end.toordinal() + 1) - _weekdays_before(start.toordinal() + 1)


def office_time(day: date, rng: random.Random, after: datetime | None = None) -> datetime:
    """A moment in a working day's office hours, after `after` (same day: minutes later)."""
    moment = datetime.combine(day, time(8, 30)) + timedelta(minutes=rng.randrange(540))
    if after is not None and moment <= after:
        moment = after + timedelta(minutes=rng.randrange(5, 60))
    return moment


# -- the catalogue the history is made over ---------------------------------------------


@dataclass
class LabInfo:
    id: int
    code: str
    capacity: int                   # items a day
    signers: list[int]              # review and sign (four eyes: never the analysts)
    analysts: list[int] = field(default_factory=list)
    counter: object = None          # its sample counter, if it takes drop-off bookings


@dataclass
class ServiceInfo:
    id: int
    code: str
    kind: str
    price: int
    params: list                    # (id, limit kind, min, max)
    offers: list                    # (lab id, price, turnaround days, daily capacity)


def catalogue() -> tuple[dict[int, LabInfo], dict[int, ServiceInfo]]:
    """The demo's labs (with who signs) and services (with who offers them)."""
    labs = {lab.id: LabInfo(lab.id, lab.code, lab.daily_capacity, [])
            for lab in db.session.scalars(select(Lab).order_by(Lab.id))}
    for lab_id, user_id in db.session.execute(
            select(Signatory.lab_id, Signatory.user_id).where(Signatory.revoked_at.is_(None))
            .order_by(Signatory.id)):
        labs[lab_id].signers.append(user_id)
    for lab in labs.values():
        if not lab.signers:
            lab.signers = list(db.session.scalars(select(User.id).where(
                User.lab_id == lab.id, User.role == "lab_manager")))
    for counter in db.session.scalars(select(Resource).where(
            Resource.kind == ResourceKind.reception).order_by(Resource.id)):
        labs[counter.lab_id].counter = counter
    services = {s.id: ServiceInfo(s.id, s.code, s.kind.value, s.price_cents, [], [])
                for s in db.session.scalars(select(Service).where(Service.is_active))}
    for p in db.session.scalars(select(ServiceParameter).order_by(ServiceParameter.id)):
        if p.service_id in services:
            services[p.service_id].params.append(
                (p.id, p.limit_kind.value, _float(p.limit_min), _float(p.limit_max)))
    for c in db.session.scalars(select(Capability).where(Capability.is_active)
                                .order_by(Capability.id)):
        if c.service_id in services:
            services[c.service_id].offers.append((c.lab_id, c.price_cents, c.turnaround_days,
                                                  c.daily_capacity))
    return labs, {k: s for k, s in services.items() if s.offers}


def _float(value):
    return None if value is None else float(value)


def chain_services(services: dict[int, ServiceInfo]) -> dict[str, dict]:
    """For each chain, the kinds of service it asks for (KINDS, among those its
    services have) and, for each kind, its services with their cumulative weights
    (the labs' capacity for them: what a county asks for most is what its labs are
    built for)."""
    by_chain = defaultdict(lambda: defaultdict(list))
    for service_id, chain in db.session.execute(select(ServiceIndustry.service_id,
                                                       ServiceIndustry.chain)):
        s = services.get(service_id)
        if s is not None and s.code not in SCALE_SERVICES:
            by_chain[chain.value][s.kind].append(s)
    out = {}
    for chain, kinds in by_chain.items():
        found = {}
        for kind, listed in sorted(kinds.items()):
            listed.sort(key=lambda s: s.id)
            found[kind] = (listed, list(_cumulative(sum(o[3] for o in s.offers)
                                                    for s in listed)))
        out[chain] = {"kinds": list(found), "weights": [KINDS[k] for k in found], **found}
    return out


SCALE_SERVICES = {"MT-001": ("price_computing_scale",), "MT-002": ("platform_scale",
                                                                   "counter_scale",
                                                                   "hanging_scale")}


def _cumulative(weights):
    total = 0
    for w in weights:
        total += w
        yield total


# -- who asks ---------------------------------------------------------------------------


@dataclass
class Who:
    users: list[int]               # the enterprise's users, or the citizen alone
    enterprise: int | None
    chain: str | None
    name: str
    phone: str
    instruments: list = field(default_factory=list)   # a vendor's scales: (id, kind, max, e)


class Writer:
    """Rows by table, with explicit ids; events and notifications wait in a heap and
    take their ids in time order as the history moves past them (as the desk numbers
    them), the rest as they come."""

    def __init__(self):
        self.rows = defaultdict(list)
        self.ids = {}
        self.heap = []
        self.seq = 0
        self.counts = defaultdict(int)

    def start(self, table: str) -> None:
        self.ids[table] = db.session.scalar(text(f"SELECT coalesce(max(id), 0) FROM {table}"))

    def new_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def add(self, table: str, row: dict) -> dict:
        self.rows[table].append(row)
        return row

    def later(self, at: datetime, table: str, row: dict) -> None:
        self.seq += 1
        heapq.heappush(self.heap, (at, self.seq, table, row))

    def release(self, until: datetime | None = None) -> None:
        """Numbers the waiting rows up to `until` (all of them without it)."""
        while self.heap and (until is None or self.heap[0][0] <= until):
            _at, _seq, table, row = heapq.heappop(self.heap)
            row["id"] = self.new_id(table)
            self.rows[table].append(row)

    def flush(self) -> None:
        for name in TABLES:
            if self.rows[name]:
                db.session.execute(db.metadata.tables[name].insert(), self.rows[name])
                self.counts[name] += len(self.rows[name])
                self.rows[name].clear()
        db.session.commit()


class History:
    """Makes the history; `write()` does it all and returns what a bench needs to know."""

    def __init__(self, n_requests: int, years: int, seed: int, backlog_lab: str | None):
        self.n, self.years, self.backlog_lab = n_requests, years, backlog_lab
        self.rng = random.Random(seed)
        self.now = datetime.now(UTC).replace(tzinfo=None, microsecond=0) + LOCAL
        self.first = self.now - timedelta(days=365 * years)
        self.labs, self.services = catalogue()
        self.by_chain = chain_services(self.services)
        self.scale_services = {s.code: s for s in self.services.values()
                               if s.code in SCALE_SERVICES}
        self.w = Writer()
        self.pw = generate_password_hash(PASSWORD)
        self.slots: dict[tuple, list] = {}        # (resource, UTC start) -> [id, booked]
        self.numbers: dict[tuple, int] = {}       # (series, year) -> last number
        self.instrument_dates: dict[int, tuple] = {}

    # -- people ---------------------------------------------------------------------

    def people(self) -> None:
        """Enterprises with their users, instruments and followed standards; market
        vendors with their scales; analysts for each lab."""
        for name in ("enterprises", "users", "instruments", "standard_follows", *TABLES):
            self.w.start(name)
        self.enterprises = self._enterprises()
        self.citizens = self._citizens()
        self._analysts()
        for name in ("enterprises", "users", "instruments", "standard_follows"):
            db.session.execute(db.metadata.tables[name].insert(), self.w.rows[name])
            self.w.counts[name] += len(self.w.rows[name])
            self.w.rows[name].clear()
        db.session.commit()

    def _user(self, role: str, name: str, **extra) -> int:
        uid = self.w.new_id("users")
        created = utc(self.first)
        self.w.add("users", {
            "id": uid, "email": extra.get("email"), "phone": extra.get("phone"), "name": name,
            "password_hash": self.pw, "role": role, "enterprise_id": extra.get("enterprise_id"),
            "is_enterprise_admin": extra.get("admin", False), "lab_id": extra.get("lab_id"),
            "job_title": extra.get("job", ""), "active": True, "session_token": f"{uid:032d}",
            "created_at": created, "updated_at": created, "version": 1})
        return uid

    def _person(self) -> str:
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)

    def _enterprises(self) -> list[Who]:
        rng, count = self.rng, min(4000, max(300, int(4 * math.sqrt(self.n))))
        chains, weights = list(CHAINS), list(CHAINS.values())
        standards = list(db.session.execute(select(Standard.id, Standard.status)
                                            .order_by(Standard.id)))
        found = []
        for k in range(count):
            chain = rng.choices(chains, weights)[0]
            ent = self.w.new_id("enterprises")
            body = f"91350582H{ent:08d}"
            name = f"晋江历史{k:04d}{WORDS[chain]}有限公司"
            created = utc(self.first - timedelta(days=rng.randrange(30, 2000)))
            self.w.add("enterprises", {
                "id": ent, "uscc": body + check_character(body), "name": name,
                "legal_representative": self._person(), "address": "福建省晋江市",
                "industry_chain": chain, "size": rng.choice(["micro", "small", "small",
                                                             "medium", "large"]),
                "contact_phone": f"0595-8{ent % 10_000_000:07d}", "status": "verified",
                "status_reason": "", "verified_at": created, "created_at": created,
                "updated_at": created, "version": 1})
            users = [self._user("sme", self._person(), email=f"hist{ent}-{j}@sme.example",
                                enterprise_id=ent, admin=j == 0, job="质量主管")
                     for j in range(rng.choices((1, 2, 3), (60, 30, 10))[0])]
            found.append(Who(users, ent, chain, name, f"0595-8{ent % 10_000_000:07d}"))
            self._instruments_of(ent)
            if standards and rng.random() < 0.3:
                for sid, status in rng.sample(standards, min(len(standards),
                                                             rng.randint(1, 5))):
                    self.w.add("standard_follows", {
                        "id": self.w.new_id("standard_follows"), "enterprise_id": ent,
                        "standard_id": sid, "status_seen": status.value, "created_at": created})
        return found

    def _instruments_of(self, ent: int) -> None:
        """An enterprise's own instruments (calibrated yearly; 1 in 10 overdue)."""
        rng = self.rng
        today = self.now.date()
        for j in range(rng.choice((0, 0, 1, 2, 3, 6))):
            overdue = rng.random() < 0.1
            last = today - timedelta(days=rng.randrange(366, 500) if overdue
                                     else rng.randrange(30, 360))
            self.w.add("instruments", self._instrument(
                None, ent, rng.choice(("balance", "thermometer", "pressure_gauge", "other")),
                f"E{ent}-{j}", last, last + timedelta(days=365)))

    def _instrument(self, owner, ent, kind, serial, last=None, due=None, **scale) -> dict:
        created = utc(self.first)
        return {"id": self.w.new_id("instruments"), "owner_id": owner, "enterprise_id": ent,
                "kind": kind, "make": "上海友声" if scale else "", "model": "ACS-15" if scale
                else "", "serial": serial, "max_capacity": scale.get("max"),
                "e": scale.get("e"), "accuracy_class": "III" if scale else "",
                "measuring_range": "" if scale else "0-1.6 MPa",
                "market": scale.get("market", ""), "stall": scale.get("stall", ""),
                "last_verified": last, "next_due": due, "created_at": created,
                "updated_at": created, "version": 1}

    def _citizens(self) -> list[Who]:
        """Market vendors, a third as many as their scale requests (yearly visits),
        each with 1-3 scales."""
        rng = self.rng
        count = max(50, min(20_000, int(self.n * SCALE_SHARE / 3)))
        found = []
        for k in range(count):
            phone = f"139{k:08d}"
            uid = self._user("citizen", self._person(), phone=phone)
            market = rng.choice(MARKETS)
            stall = f"{rng.choice('ABCDE')}-{rng.randint(1, 80)}"
            who = Who([uid], None, None, "", phone)
            for j in range(rng.choices((1, 2, 3), (60, 30, 10))[0]):
                kind = rng.choices(("price_computing_scale", "platform_scale",
                                    "counter_scale", "hanging_scale"), (70, 15, 10, 5))[0]
                cap, e = rng.choice(((15000, 5), (30000, 10), (6000, 2)))
                row = self.w.add("instruments", self._instrument(
                    uid, None, kind, f"YS{k:07d}{j}", max=cap, e=e, market=market,
                    stall=stall))
                who.instruments.append((row["id"], kind, cap, e, market))
            found.append(who)
        return found

    def _analysts(self) -> None:
        """Each lab's analysts: one for every 40 items a day it can take."""
        for lab in self.labs.values():
            for j in range(max(2, lab.capacity // 40)):
                lab.analysts.append(self._user(
                    "lab_staff", self._person(), lab_id=lab.id, job="检测员",
                    email=f"analyst{j}@{lab.code.lower()}.history.example"))

    # -- the plan: who asks for what, when -------------------------------------------

    def moments(self) -> list[datetime]:
        """n local submission moments over the years, growing GROWTH a year: working
        days in office hours but for OFF_HOURS, the Spring Festival weeks quieter."""
        rng, out = self.rng, []
        span = math.expm1(GROWTH * self.years)
        while len(out) < self.n:
            years = math.log1p(rng.random() * span) / GROWTH
            day = (self.first + timedelta(days=years * 365)).date()
            festival = SPRING_FESTIVAL.get(day.year)
            if festival and -7 <= (day - festival).days <= 14 and rng.random() < 0.6:
                continue
            off = rng.random() < OFF_HOURS
            if day.weekday() >= 5 and not off:
                continue
            at = datetime.combine(day, time(19) if off else time(8)) + \
                timedelta(minutes=rng.randrange(240 if off else 600))
            if at < self.now - timedelta(minutes=10):
                out.append(at)
        out.sort()
        return out

    def plan(self) -> list[tuple]:
        """(submitted, who, parts) for every request, oldest first; a part is (lab id,
        [service ids], instrument or None)."""
        rng = self.rng
        weights = list(_cumulative(rng.lognormvariate(0, 1.1) for _ in self.enterprises))
        plan = []
        for at in self.moments():
            if rng.random() < SCALE_SHARE:
                who = rng.choice(self.citizens)
                plan.append((at, who, self._scale_parts(who)))
                continue
            who = self.enterprises[bisect.bisect(weights, rng.random() * weights[-1])]
            plan.append((at, who, self._parts(who.chain)))
        return plan

    def _parts(self, chain: str) -> list[tuple]:
        rng = self.rng
        offered = self.by_chain[chain]
        by_lab: dict[int, list] = {}
        for _ in range(rng.choices(list(ITEMS), list(ITEMS.values()))[0]):
            kind = rng.choices(offered["kinds"], offered["weights"])[0]
            services, weights = offered[kind]
            s = services[bisect.bisect(weights, rng.random() * weights[-1])]
            lab = rng.choices([o[0] for o in s.offers], [o[3] for o in s.offers])[0]
            by_lab.setdefault(lab, []).append(s.id)
        return [(lab, ids, None) for lab, ids in by_lab.items()]

    def _scale_parts(self, who: Who) -> list[tuple]:
        rng = self.rng
        scales = rng.sample(who.instruments, min(len(who.instruments),
                                                 rng.choices(list(SCALES),
                                                             list(SCALES.values()))[0]))
        parts = []
        for instrument in scales:
            code = "MT-001" if instrument[1] == "price_computing_scale" else "MT-002"
            s = self.scale_services[code]
            parts.append((s.offers[0][0], [s.id], instrument))
        return parts

    def fates(self, plan: list[tuple]) -> dict[tuple, str]:
        """Which parts are still under way now: for each lab its newest parts within its
        bound ("window": as their lives go), a few older ones stalled ("stalled"), or the
        backlog lab's newest BACKLOG ("backlog"); every other part is done."""
        by_lab = defaultdict(list)
        for r, (at, _who, parts) in enumerate(plan):
            for p, part in enumerate(parts):
                by_lab[part[0]].append((at, r, p))
        fate = {}
        for lab_id, keys in by_lab.items():
            lab = self.labs[lab_id]
            keys.reverse()                       # newest first
            if lab.code == self.backlog_lab:
                fate.update(((r, p), "backlog") for _at, r, p in keys[:BACKLOG])
                continue
            bound = lab.capacity * OPEN_DAYS
            window = int(bound * (1 - STALLED_SHARE))
            stalled = bound - window
            for at, r, p in keys:
                age = self.now - at
                if window and age <= WINDOW:
                    fate[(r, p)] = "window"
                    window -= 1
                elif age > STALL_AGE or not stalled:
                    break
                elif self.rng.random() < STALLED:
                    fate[(r, p)] = "stalled"
                    stalled -= 1
        return fate

    # -- a part's life --------------------------------------------------------------

    def life(self, start: datetime, free: bool, turnaround: int, scale: bool,
             booked: bool) -> list[tuple[datetime, str]]:
        """Every step the part would take, with its moment, from routing to its last
        rating follow-up; what is kept of it depends on its fate."""
        life = Life(self.rng, start)
        if booked:
            life.steps.append((start + timedelta(minutes=1), "booked"))
        if self._answered(life, free):
            if scale:
                self._verified(life)
            else:
                self._worked(life, turnaround)
            self._reported(life)
        return life.steps

    def _answered(self, life: "Life", free: bool) -> bool:
        """Rejected, returned for information, quoted or accepted; False when the part
        ends here (rejected, or cancelled by the applicant)."""
        rng = self.rng
        draw = rng.random()
        if draw < REJECTED:
            life.lab("rejected", rng.choices(*ANSWER_DAYS)[0])
            return False
        if draw < REJECTED + RETURNED:
            life.answer("returned", rng.choices(*ANSWER_DAYS)[0])
            if rng.random() < CANCELLED_RETURNED:
                life.applicant("cancelled", rng.randint(1, 10))
                return False
            life.applicant("resubmitted", rng.randint(1, 5))
        life.answer("accepted" if free else "quoted", rng.choices(*ANSWER_DAYS)[0])
        if free:
            return True
        if rng.random() < CANCELLED_AT_QUOTE:
            life.applicant("cancelled", rng.randint(1, 10))
            return False
        life.applicant("quote_accepted", rng.choices(*ACCEPT_DAYS)[0])
        return True

    def _verified(self, life: "Life") -> None:
        """A scale is verified as it is brought in: readings, then the steps at once."""
        life.lab("results", self.rng.choices(*DELIVERY_DAYS)[0])
        for action in ("sample_received", "work_started", "results_submitted"):
            life.mark(action)
        life.lab("approved", self.rng.choice((0, 0, 1)))

    def _worked(self, life: "Life", turnaround: int) -> None:
        """Samples in, work to the due date (the turnaround less what the answer took;
        LATE of it some days more), review (SENT_BACK sent back once), approval."""
        rng = self.rng
        life.lab("sample_received", rng.choices(*DELIVERY_DAYS)[0])
        life.mark("assigned")
        left = max(1, turnaround - life.used)
        days = left + rng.randint(1, 6) if rng.random() < LATE else \
            rng.randint(math.ceil(left * 0.4), left)
        begin = min(rng.choice((0, 0, 1)), days - 1)
        review = min(rng.choice((0, 0, 1)), days - 1 - begin)
        life.lab("work_started", begin)
        life.lab("results", days - begin - review)
        life.lab("results_submitted")
        if rng.random() < SENT_BACK:
            life.lab("sent_back", rng.choice((0, 1)))
            life.lab("results", 1)
            life.lab("results_submitted")
        life.lab("approved", review)

    def _reported(self, life: "Life") -> None:
        """Issued; AMENDED reopened and reissued; CLOSED closed, RATED of those rated,
        FOLLOWED_UP of the bad ratings followed up."""
        rng = self.rng
        life.lab("issued")
        if rng.random() < AMENDED:
            life.lab("reopened_for_amendment", rng.randint(5, 30))
            for action in ("results", "results_submitted", "approved", "issued"):
                life.lab(action, action == "results")
        if rng.random() < CLOSED:
            life.applicant("closed", rng.choice((0, 1, 2, 3, 5, 7, 14)))
            if rng.random() < RATED:
                level = rng.choices(*LEVELS)[0]
                life.applicant(f"rated{level}", rng.choice((0, 0, 1, 2, 3)))
                if level <= 2 and rng.random() < FOLLOWED_UP:
                    life.lab("followed_up", rng.randint(1, 10))

    def kept(self, steps: list, fate: str, start: datetime) -> list:
        """What of the life has happened by now, by the part's fate."""
        if fate == "window":
            return [s for s in steps if s[0] <= self.now]
        if fate in ("stalled", "backlog"):
            steps = self._cut(steps, self.rng.choices(*(STALLED_AT if fate == "stalled"
                                                        else BACKLOG_AT))[0])
        return self._squeezed(steps, start)

    def _cut(self, steps: list, state: str) -> list:
        """The life up to where it entered `state` (if it never does: to submission)."""
        for k, (_at, action) in enumerate(steps):
            if action in ("rejected", "cancelled"):
                break
            if STATE_OF.get(action) == state:
                return steps[:k + 1]
        return [s for s in steps[:2] if s[1] in ("routed", "booked")]

    def _squeezed(self, steps: list, start: datetime) -> list:
        """The life made to end before now (a lab at its bound works faster)."""
        limit = self.now - timedelta(minutes=30)
        end = steps[-1][0]
        if end <= limit:
            return steps
        share = max(limit - start, timedelta(0)) / (end - start)
        return [(start + (at - start) * share, action) for at, action in steps]

    # -- writing a request ----------------------------------------------------------

    def request(self, r: int, at: datetime, who: Who, parts: list, fate: dict) -> None:
        rng, w = self.rng, self.w
        req_id = w.new_id("service_requests")
        number = self._number("request", at.year, "QD-{year}-{n:06d}")
        applicant = rng.choice(who.users)
        title = (f"{rng.choice(PRODUCTS[who.chain])}检测委托" if who.chain
                 else "电子秤免费检定")
        row = w.add("service_requests", {
            "id": req_id, "number": number, "state": "submitted",
            "enterprise_id": who.enterprise, "applicant_id": applicant, "title": title,
            "contact_name": self._person(), "contact_phone": who.phone,
            "submitted_at": utc(at), "due_date": None, "created_at": utc(at - timedelta(
                minutes=rng.randrange(5, 300))), "updated_at": utc(at), "version": 2})
        labs = [self.labs[p[0]].code for p in parts]
        w.later(at, "audit_events", self._event(at, applicant, "service_requests", req_id,
                                                "submitted", {"state": "draft"},
                                                {"state": "submitted", "number": number,
                                                 "labs": labs}))
        dues = []
        for p, (lab_id, service_ids, instrument) in enumerate(parts):
            dues.append(self.part(req_id, number, p + 1, at, who, applicant, lab_id,
                                  service_ids, instrument, fate.get((r, p), "done")))
        row["due_date"] = max(dues)

    def part(self, req_id, number, n, at, who, applicant, lab_id, service_ids, instrument,
             fate) -> date:
        """One lab's part: its items, its life as far as it has gone, and all that
        the life leaves behind (events, results, certificates, rating, booking,
        notifications). Returns its due date."""
        rng, w, lab = self.rng, self.w, self.labs[lab_id]
        sub_id = w.new_id("sub_requests")
        offers = [next(o for o in self.services[s].offers if o[0] == lab_id)
                  for s in service_ids]
        turnaround = max(o[2] for o in offers)
        free = sum(o[1] for o in offers) == 0
        due = add_workdays(at.date(), turnaround)
        items = self._items(req_id, sub_id, service_ids, offers, due, instrument)
        booked = lab.counter is not None and instrument is None and rng.random() < BOOKED
        steps = self.kept(self.life(at, free, turnaround, instrument is not None, booked),
                          fate, at)
        part = Part(sub_id, req_id, f"{number}-{n}", lab, who, applicant, items, instrument,
                    rng.choice(lab.analysts), due, turnaround, answer_by=utc(datetime.combine(
                        add_workdays(at.date(), 1), at.time())))
        self.walk(part, steps)
        reasons = [{"item": item["id"], "chosen": {
            "lab": lab.code, "ready_by": due.isoformat(), "queue_days": 0,
            "turnaround_days": o[2], "price_cents": o[1], "first_drop_off": None},
            "others": []} for item, o in zip(items, offers, strict=True)]
        w.add("sub_requests", {
            "id": sub_id, "request_id": req_id, "lab_id": lab_id, "part": n,
            "state": part.state, "assignee_id": part.assignee, "due_date": part.due,
            "routing_reason": reasons, "applicant_message": part.message,
            "amendment_reason": part.amendment, "approved_by_id": part.approved_by,
            "approved_at": part.approved_at, "answer_by": part.answer_by,
            "clock_paused_on": part.paused_on, "created_at": utc(at),
            "updated_at": utc(part.last), "version": part.version})
        return part.due

    def _items(self, req_id, sub_id, service_ids, offers, due, instrument) -> list[dict]:
        w = self.w
        items = []
        for position, (service_id, offer) in enumerate(zip(service_ids, offers, strict=True),
                                                       start=1):
            items.append(w.add("request_items", {
                "id": w.new_id("request_items"), "request_id": req_id, "sub_request_id": sub_id,
                "service_id": service_id, "position": position,
                "sample_description": "电子秤" if instrument else "送检样品一份",
                "quantity": 1, "requirements": "", "price_cents": offer[1], "price_reason": "",
                "method_deviation": "", "due_date": due,
                "instrument_id": instrument[0] if instrument else None}))
        return items

    def walk(self, part: "Part", steps: list) -> None:
        """Go through the kept steps, writing what each leaves and keeping the part's
        state, due date and clocks as the desk would."""
        for k, (at, action) in enumerate(steps):
            part.last = at
            if action == "routed":
                self.w.later(at, "audit_events", self._event(
                    at, None, "sub_requests", part.id, "routed",
                    None, {"lab_id": part.lab.id, "due_date": part.due.isoformat()}))
            elif action == "booked":
                self.booking(part, at, steps[k + 1:])
            elif action == "assigned":
                part.assignee = part.analyst
                self._sub_event(part, at, part.lab.signers[0], "assigned",
                                {"assignee_id": None}, {"assignee_id": part.analyst})
            elif action == "results":
                self.results(part, at)
            elif action.startswith("rated"):
                self.rating(part, at, int(action[5:]))
            elif action == "followed_up":
                self.followed_up(part, at)
            elif action in STATE_OF:
                self.step(part, at, action)

    def step(self, part: "Part", at: datetime, action: str) -> None:
        """A lifecycle step: its event, the clock (paused while waiting on the
        applicant, the due date moved on by what the pause took), and its news."""
        was, to = part.state, STATE_OF[action]
        if was in PAUSED and to not in PAUSED and part.paused_on is not None:
            part.due = max(part.due, add_workdays(at.date(), workdays_between(
                part.paused_on, part.due))) if part.due >= part.paused_on else part.due
            part.paused_on = None
        if to in PAUSED and part.paused_on is None:
            part.paused_on = at.date()
        if action == "reopened_for_amendment":
            part.due = add_workdays(at.date(), part.turnaround)
            part.amendment = REASONS[action]
        after = {"state": to}
        if action == "issued":
            after["due_date"] = part.due.isoformat()
            self.certificate(part, at)
        if action == "approved":
            part.approved_by, part.approved_at = part.lab.signers[0], utc(at)
        if action in ("returned", "rejected"):  # the lab's word stands while it does
            part.message = REASONS[action]
        part.answer_by = utc(datetime.combine(add_workdays(at.date(), 1), at.time())) \
            if to == "submitted" else None
        part.state = to
        part.version += 1
        actor = (part.applicant if action in APPLICANT_STEPS else
                 part.analyst if action in ANALYST_STEPS else part.signer(action))
        self._sub_event(part, at, actor, action, {"state": was}, after,
                        REASONS.get(action, ""))
        if action == "quoted":
            self._sub_event(part, at, actor, "quote_detail", None, {
                "total_cents": sum(i["price_cents"] for i in part.items), "deviations": []})
        if action in RELEASING or action == "sample_received":
            self.booking_ends(part, at, action)
        told = (TOLD_SCALES if part.instrument else TOLD).get(action)
        if told:
            self.tell(part.who.users, at, told, self._link(part), number=part.number,
                      reason=part.message if action == "returned" else "")

    def results(self, part: "Part", at: datetime) -> None:
        """The items' results (once: a later round only logs that they were entered)."""
        first = not part.has_results
        part.has_results = True
        for item in part.items:
            if part.instrument:
                after = self.scale_check(part, item, at) if first else {}
            else:
                after = self.item_results(part, item, at) if first else {}
            self.w.later(at, "audit_events", self._event(
                at, part.analyst, "request_items", item["id"], "results_entered", None, after))

    def item_results(self, part: "Part", item: dict, at: datetime) -> dict:
        """One result per parameter; a failing item fails on one judged parameter."""
        rng = self.rng
        params = self.services[item["service_id"]].params
        judged = [p for p in params if p[1] != "none"]
        failing = rng.choice(judged)[0] if judged and rng.random() < FAILS[
            part.who.chain] else None
        shown = {}
        for pid, kind, low, high in params:
            value, words, verdict, reference = _result(rng, kind, low, high, pid == failing)
            self.w.add("results", {
                "id": self.w.new_id("results"), "item_id": item["id"], "parameter_id": pid,
                "value": value, "text_value": words, "uncertainty": None,
                "reference_value": reference, "form": "text" if words else "number",
                "high_value": None, "written": "", "verdict": verdict,
                "entered_by_id": part.analyst, "entered_at": utc(at)})
            shown[str(pid)] = {"value": "" if value is None else str(value),
                               "uncertainty": "", "text": words, "verdict": verdict}
        return shown

    def scale_check(self, part: "Part", item: dict, at: datetime) -> dict:
        """A scale's verification record; a label number when it passes."""
        rng, (instrument_id, kind, cap, e, _market) = self.rng, part.instrument
        passed = rng.random() > SCALE_FAILS
        part.scale_passed = passed
        label = self._number(f"label-{part.lab.code}", at.year, "{code}-L{year}-{n:06d}",
                             code=part.lab.code) if passed else None
        check_id = self.w.new_id("scale_verifications")
        self.w.add("scale_verifications", {
            "id": check_id, "item_id": item["id"], "instrument_id": instrument_id,
            "verification_type": "subsequent", "readings": {"zero": "0", "max": str(cap)},
            "passed": passed, "failed_tests": [] if passed else ["eccentricity"],
            "rules": RULES, "max_capacity": cap, "e": e, "accuracy_class": "III",
            "instrument_description": f"{kind} Max {cap} g e {e} g", "label_number": label,
            "verified_by_id": part.analyst, "verified_at": utc(at), "created_at": utc(at),
            "updated_at": utc(at)})
        self.instrument_dates[instrument_id] = (at.date(), passed)
        return {"scale_verification": check_id, "passed": passed,
                "failed": [] if passed else ["eccentricity"], "label": label}

    def certificate(self, part: "Part", at: datetime) -> None:
        """The part's certificate (an amendment's replaces the first), and its event."""
        w, code = self.w, part.lab.code
        cert_id = w.new_id("certificates")
        replaces = part.certificates[-1] if part.certificates else None
        if replaces is not None:
            replaces.update(status="superseded", status_changed_at=utc(at))
        number = self._number(f"cert-{code}", at.year, "{code}-{year}-{n:05d}", code=code)
        row = w.add("certificates", {
            "id": cert_id, "number": number, "kind": self._certificate_kind(part),
            "sub_request_id": part.id, "lab_id": part.lab.id, "issued_at": utc(at),
            "signed_by_id": part.lab.signers[-1], "verification_code": "".join(
                self.rng.choice(CODE_ALPHABET) for _ in range(10)),
            "sha256": f"{cert_id:064x}", "stored_name": f"history-{cert_id:012d}.pdf",
            "status": "valid", "status_reason": "", "status_changed_at": None,
            "supersedes_id": replaces["id"] if replaces else None,
            "amendment_reason": part.amendment if replaces else "", "created_at": utc(at),
            "updated_at": utc(at)})
        part.certificates.append(row)
        w.later(at, "audit_events", self._event(
            at, part.lab.signers[-1], "certificates", cert_id, "issued", None,
            {"number": number, "sha256": row["sha256"], "supersedes": row["supersedes_id"]}))

    def _certificate_kind(self, part: "Part") -> str:
        kinds = {self.services[i["service_id"]].kind for i in part.items}
        if part.instrument:
            return "verification_certificate" if part.scale_passed else "verification_failure"
        if kinds == {"calibration"}:
            return "calibration_certificate"
        return "verification_certificate" if kinds == {"verification"} else "test_report"

    def rating(self, part: "Part", at: datetime, level: int) -> None:
        bad = level <= 2
        part.rating = self.w.add("ratings", {
            "id": self.w.new_id("ratings"), "sub_request_id": part.id, "lab_id": part.lab.id,
            "level": level, "comment": "服务专业，出报告快" if level >= 4 else
            "一般" if level == 3 else "报告比承诺的晚", "rated_by_id": part.applicant,
            "created_at": utc(at), "follow_up_due": add_workdays(at.date(), FOLLOW_UP_DAYS)
            if bad else None, "follow_up_note": "", "followed_up_at": None})
        self._sub_event(part, at, part.applicant, "rated", None,
                        {"level": level, "bad_review": bad})
        if bad:
            self.tell(part.lab.signers[:1], at, "bad_review", f"{PUBLIC}/lab/ratings",
                      number=part.number, level=level,
                      due=part.rating["follow_up_due"].isoformat())

    def followed_up(self, part: "Part", at: datetime) -> None:
        note = "已电话回访，说明原因并致歉"
        part.rating.update(follow_up_note=note, followed_up_at=utc(at))
        self.w.later(at, "audit_events", self._event(
            at, part.lab.signers[0], "ratings", part.rating["id"], "followed_up", None,
            {"note": note}))

    # -- drop-off bookings ----------------------------------------------------------

    def booking(self, part: "Part", at: datetime, rest: list) -> None:
        """A drop-off slot booked as the part was submitted, in its lab's counter: done
        when the samples came in, given back if the part went back or away first,
        still to come otherwise. None when the counter had no free place."""
        ends = next(((when, a) for when, a in rest if a in RELEASING or a == "sample_received"),
                    None)
        if ends is not None and ends[1] == "sample_received":
            slot = self._slot(part.lab.counter, ends[0].date(), ends[0])
        elif ends is not None:
            slot = self._slot(part.lab.counter, add_workdays(at.date(), 1), None, free=False)
        else:
            slot = self._slot(part.lab.counter, add_workdays(max(at, self.now).date(), 1),
                              None, days=10)
        if slot is None:
            return
        booking_id = self.w.new_id("bookings")
        part.booking = self.w.add("bookings", {
            "id": booking_id, "slot_id": slot[0], "sub_request_id": part.id,
            "booked_by_id": part.applicant, "state": "booked", "cancelled_at": None,
            "created_at": utc(at), "updated_at": utc(at)})
        if ends is None or ends[1] == "sample_received":
            slot[1] += 1
        self.w.later(at, "audit_events", self._event(
            at, part.applicant, "bookings", booking_id, "booked", None,
            {"slot": slot[0], "sub_request": part.id}))

    def booking_ends(self, part: "Part", at: datetime, action: str) -> None:
        if part.booking is None or part.booking["state"] != "booked":
            return
        done = action == "sample_received"
        part.booking.update(state="done" if done else "cancelled", updated_at=utc(at),
                            cancelled_at=None if done else utc(at))
        self.w.later(at, "audit_events", self._event(
            at, part.analyst if done else part.applicant, "bookings", part.booking["id"],
            "booking_done" if done else "booking_cancelled"))

    def _slot(self, counter, day: date, near: datetime | None, free: bool = True,
              days: int = 1) -> list | None:
        """A slot of the counter with a free place (any, when `free` is off) on the
        day or the `days` after it, the one nearest before `near` first."""
        for offset in range(days):
            starts = day_starts(counter, next_working(day + timedelta(days=offset)))
            if near is not None:
                starts.sort(key=lambda s: abs(s.replace(tzinfo=None) + LOCAL - near))
            for start in starts:
                slot = self._slot_row(counter, start)
                if not free or slot[1] < counter.capacity:
                    return slot
        return None

    def _slot_row(self, counter, start: datetime) -> list:
        key = (counter.id, start.replace(tzinfo=None))
        slot = self.slots.get(key)
        if slot is None:
            slot = self.slots[key] = [self.w.new_id("slots"), 0]
            self.w.add("slots", {"id": slot[0], "resource_id": counter.id, "starts_at": start,
                                 "ends_at": start + timedelta(minutes=counter.slot_minutes),
                                 "capacity": counter.capacity, "booked": 0})
        return slot

    def known_slots(self) -> None:
        """The demo's slots (its booking's counter), so their places count."""
        for slot in db.session.scalars(select(Slot)):
            start = slot.starts_at.replace(tzinfo=None) if slot.starts_at.tzinfo is None \
                else slot.starts_at.astimezone(UTC).replace(tzinfo=None)
            self.slots[(slot.resource_id, start)] = [slot.id, slot.booked]

    # -- small helpers --------------------------------------------------------------

    def _event(self, at, actor, entity, entity_id, action, before=None, after=None,
               reason="") -> dict:
        return {"created_at": utc(at), "actor_id": actor, "entity": entity,
                "entity_id": entity_id, "action": action, "before": before, "after": after,
                "reason": reason}

    def _sub_event(self, part, at, actor, action, before, after, reason="") -> None:
        self.w.later(at, "audit_events", self._event(at, actor, "sub_requests", part.id,
                                                     action, before, after, reason))

    def tell(self, users, at: datetime, kind: str, link: str, **params) -> None:
        """In-app notifications; read within two days, but for half of the last week's."""
        for uid in users:
            unread = self.now - at < timedelta(days=7) and self.rng.random() < 0.5
            read = None if unread else utc(min(at + timedelta(
                minutes=self.rng.randrange(10, 2880)), self.now))
            self.w.later(at, "notifications", {
                "user_id": uid, "kind": kind, "params": params, "link": link,
                "created_at": utc(at), "read_at": read})

    @staticmethod
    def _link(part: "Part") -> str:
        return f"{PUBLIC}/requests/{part.request_id}"

    def _number(self, series: str, year: int, pattern: str, **names) -> str:
        """The next number of a series in a year, after the demo's (core/numbering.py)."""
        key = (series, year)
        if key not in self.numbers:
            self.numbers[key] = db.session.scalar(select(NumberSequence.last).where(
                NumberSequence.series == series, NumberSequence.year == year)) or 0
        self.numbers[key] += 1
        return pattern.format(year=year, n=self.numbers[key], **names)

    # -- all of it ------------------------------------------------------------------

    def write(self) -> dict:
        started = clock.perf_counter()
        self.people()
        self.known_slots()
        plan = self.plan()
        fate = self.fates(plan)
        self.first_request = self.w.ids["service_requests"] + 1
        for r, (at, who, parts) in enumerate(plan):
            self.w.release(at)
            self.request(r, at, who, parts, fate)
            if (r + 1) % BATCH == 0:
                self.w.flush()
        self.w.release()
        self.w.flush()
        self.finish()
        inserted = clock.perf_counter() - started
        return self.facts(plan, inserted)

    def finish(self) -> None:
        """What is counted after the fact: slots' places, scales' dates, the numbers'
        counters, and (PostgreSQL) the sequences and the planner's statistics."""
        slots, instruments = Slot.__table__, db.metadata.tables["instruments"]
        taken = [{"b_id": slot_id, "b_booked": booked} for slot_id, booked in self.slots.values()]
        if taken:
            db.session.execute(slots.update().where(slots.c.id == bindparam("b_id"))
                               .values(booked=bindparam("b_booked")), taken)
        dates = [{"b_id": i, "b_last": day, "b_due": day + timedelta(days=365) if ok else None}
                 for i, (day, ok) in self.instrument_dates.items()]
        if dates:
            db.session.execute(instruments.update().where(instruments.c.id == bindparam("b_id"))
                               .values(last_verified=bindparam("b_last"),
                                       next_due=bindparam("b_due")), dates)
        for (series, year), last in self.numbers.items():
            db.session.execute(NumberSequence.__table__.delete().where(
                NumberSequence.series == series, NumberSequence.year == year))
            db.session.execute(NumberSequence.__table__.insert().values(
                series=series, year=year, last=last))
        db.session.commit()
        recount_open_work()  # routing's kept figure, as the worker would mend it
        if db.engine.dialect.name == "postgresql":  # explicit ids: move the sequences on
            for name in ("enterprises", "users", "instruments", "standard_follows", *TABLES):
                db.session.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"(SELECT coalesce(max(id), 1) FROM {name}))"))
            db.session.commit()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("ANALYZE")

    def facts(self, plan: list, inserted: float) -> dict:
        """What a bench needs of the history: counts, open work, whom to sign in as."""
        from blueprints.service_requests.lifecycle import OPEN_STATES
        from blueprints.service_requests.models import ServiceRequest, SubRequest
        counts = dict(sorted(self.w.counts.items()))
        open_parts = dict(db.session.execute(
            select(Lab.code, func.count(SubRequest.id)).join(Lab, Lab.id == SubRequest.lab_id)
            .where(SubRequest.state.in_(OPEN_STATES)).group_by(Lab.code)).all())
        busy, asked = db.session.execute(
            select(ServiceRequest.enterprise_id, func.count(ServiceRequest.id))
            .where(ServiceRequest.enterprise_id.is_not(None))
            .group_by(ServiceRequest.enterprise_id)
            .order_by(func.count(ServiceRequest.id).desc()).limit(1)).one()
        user = db.session.scalar(select(User.email).where(
            User.enterprise_id == busy, User.is_enterprise_admin))
        floor_id = self.first_request + len(plan) // 2   # a request half-way through
        return {"seconds": inserted, "counts": counts, "open": open_parts,
                "busy_enterprise": busy, "busy_requests": asked, "busy_user": user,
                "floor_id": floor_id, "first": self.first.date().isoformat(),
                "enterprises": len(self.enterprises), "citizens": len(self.citizens)}


class Life:
    """A part's steps with their moments as they are drawn: the lab's on working days in
    office hours, the applicant's on any day from morning to night. `used` counts the
    working days the clock ran before the lab's answers stopped it."""

    def __init__(self, rng: random.Random, start: datetime):
        self.rng, self.start, self.moment = rng, start, start
        self.steps = [(start, "routed")]
        self.used = 0

    def mark(self, action: str) -> None:
        self.steps.append((self.moment, action))

    def lab(self, action: str, days: int = 0) -> None:
        """`days` working days on (none: later the same day)."""
        self.moment = office_time(add_workdays(self.moment.date(), days), self.rng,
                                  self.moment)
        self.mark(action)

    def answer(self, action: str, days: int) -> None:
        """The lab's answer: what came in after hours is answered the next day at the
        earliest."""
        since = self.moment
        self.lab(action, days or int(since.time() >= time(17)))
        self.used += workdays_between(since.date(), self.moment.date())

    def applicant(self, action: str, days: int) -> None:
        at = datetime.combine(self.moment.date() + timedelta(days=days), time(8)) + \
            timedelta(minutes=self.rng.randrange(840))
        self.moment = at if at > self.moment else \
            self.moment + timedelta(minutes=self.rng.randrange(5, 120))
        self.mark(action)


@dataclass
class Part:
    """A part as its life goes: what the desk keeps on its row, and what the steps
    need to know of it."""
    id: int
    request_id: int
    number: str
    lab: LabInfo
    who: Who
    applicant: int
    items: list
    instrument: tuple | None
    analyst: int
    due: date
    turnaround: int
    state: str = "submitted"
    version: int = 1
    last: datetime | None = None
    assignee: int | None = None
    paused_on: date | None = None
    answer_by: datetime | None = None
    approved_by: int | None = None
    approved_at: datetime | None = None
    message: str = ""
    amendment: str = ""
    has_results: bool = False
    scale_passed: bool = True
    booking: dict | None = None
    rating: dict | None = None
    certificates: list = field(default_factory=list)

    def signer(self, action: str) -> int:
        """Reviews by the first signatory, signs by the last (four eyes)."""
        return self.lab.signers[-1] if action == "issued" else self.lab.signers[0]


def _result(rng: random.Random, kind: str, low, high, fails: bool):
    """(value, words, verdict, reference) of one parameter's result."""
    if kind == "text" or (kind in ("max", "range") and high is None) or \
            (kind in ("min", "range") and low is None):
        return None, "不符合要求" if fails else "符合要求", "fail" if fails else "pass", None
    if kind == "none":  # reported only; a calibration point has its reference
        reference = round(rng.uniform(1, 100), 2)
        return round(reference * rng.uniform(0.998, 1.002), 4), "", "n/a", reference
    if kind == "max":
        value = high * (rng.uniform(1.05, 1.8) if fails else rng.uniform(0.2, 0.95))
    elif kind == "min":
        value = low * (rng.uniform(0.4, 0.95) if fails else rng.uniform(1.05, 2.0))
    else:
        value = high * rng.uniform(1.05, 1.3) if fails else rng.uniform(low, high)
    return round(value, 3), "", "fail" if fails else "pass", None


def fill(url: str, n_requests: int, years: int = 3, seed: int = 2026,
         backlog_lab: str | None = None) -> dict:
    """Migrate, load the demo, then write the history; returns its facts (counts, open
    parts by lab, the busiest enterprise and its user, seconds taken)."""
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
                      "PUBLIC_URL": PUBLIC, "SQLALCHEMY_ENGINE_OPTIONS": {}})
    with app.app_context():
        try:
            started = clock.perf_counter()
            upgrade()
            load_demo()
            demo = clock.perf_counter() - started
            facts = History(n_requests, years, seed, backlog_lab).write()
            facts["demo_seconds"] = demo
            return facts
        finally:  # also when stopped half-way: no session left holding locks
            db.session.remove()
            db.engine.dispose()

