"""标准查新: labs must test to the edition in force (ISO/IEC 17025 7.2.1.3). Services
whose cited method standard was withdrawn or replaced are flagged in their labs' scope
and My tasks; a job links the services' method text to the catalogue again, tells each
lab's managers once per standard and status, and tells the enterprises following a
standard once when its status moves from the one they last saw."""
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from blueprints.audit.models import record_change, snapshot
from blueprints.auth.models import User
from blueprints.catalogue.method_links import link_all
from blueprints.catalogue.models import Capability, Service, ServiceStandard
from blueprints.notifications.events import lab_managers, tell
from blueprints.notifications.models import claim
from blueprints.standards.models import SUPERSEDED, Standard, StandardFollow, StandardStatus
from core.links import public_url
from core.roles import Role
from core.timeutil import local_today
from extensions import db

LAB_KINDS = {StandardStatus.replaced: "method_standard_replaced",
             StandardStatus.withdrawn: "method_standard_withdrawn"}
STATUS_FIELDS = ["status", "withdrawn_on", "replaced_by_id"]
FOLLOWER_KINDS = {StandardStatus.replaced: "standard_replaced",
                  StandardStatus.withdrawn: "standard_withdrawn",
                  StandardStatus.current: "standard_current"}


@dataclass(frozen=True)
class Flag:
    """A service in a lab's scope whose cited edition is no longer in force."""
    service: Service
    standard: Standard

    @property
    def successor(self) -> Standard | None:
        return self.standard.replaced_by


def flags(lab_id: int) -> list[Flag]:
    """The lab's offered services whose method cites a superseded edition (one query)."""
    rows = db.session.execute(
        select(Service, Standard).join(ServiceStandard, ServiceStandard.service_id == Service.id)
        .join(Standard, Standard.id == ServiceStandard.standard_id)
        .join(Capability, Capability.service_id == Service.id)
        .where(Capability.lab_id == lab_id, Capability.is_active,
               Standard.status.in_(SUPERSEDED))
        .options(joinedload(Standard.replaced_by))
        .order_by(Service.code, Standard.code))
    return [Flag(service, standard) for service, standard in rows]


def _tell_labs() -> int:
    rows = db.session.execute(
        select(Capability.lab_id, Standard, Service.code)
        .join(ServiceStandard, ServiceStandard.service_id == Capability.service_id)
        .join(Standard, Standard.id == ServiceStandard.standard_id)
        .join(Service, Service.id == Capability.service_id)
        .where(Capability.is_active, Standard.status.in_(SUPERSEDED))
        .options(joinedload(Standard.replaced_by))
        .order_by(Capability.lab_id, Standard.id, Service.code)).all()
    by_lab: dict[tuple[int, Standard], list[str]] = {}
    for lab_id, standard, service_code in rows:
        by_lab.setdefault((lab_id, standard), []).append(service_code)
    told = 0
    for (lab_id, standard), services in by_lab.items():
        # Once per lab, standard and status: the claim and the notices commit together.
        if not claim("method_standard", lab_id, f"{standard.id}:{standard.status.value}"):
            db.session.rollback()
            continue
        tell(lab_managers(lab_id), LAB_KINDS[standard.status], public_url("labs.desk"),
             code=standard.code, services=", ".join(services),
             successor=standard.replaced_by.code if standard.replaced_by else "")
        db.session.commit()
        told += 1
    return told


def _tell_followers() -> int:
    follows = db.session.scalars(
        select(StandardFollow).join(StandardFollow.standard)
        .where(StandardFollow.status_seen != Standard.status)
        .options(joinedload(StandardFollow.standard).joinedload(Standard.replaced_by))
        .with_for_update(of=StandardFollow, skip_locked=True)).all()
    told = 0
    for follow in follows:
        standard = follow.standard
        kind = FOLLOWER_KINDS.get(standard.status)
        if kind:
            users = db.session.scalars(select(User).where(
                User.enterprise_id == follow.enterprise_id, User.role == Role.sme,
                User.active)).all()
            tell(users, kind, public_url("catalogue.standard", standard_id=standard.id),
                 code=standard.code,
                 successor=standard.replaced_by.code if standard.replaced_by else "")
            told += 1
        follow.status_seen = standard.status
        db.session.commit()
    return told


def come_into_force(today) -> int:
    """Editions whose day has come: 即将实施 → 现行, and the editions they replace → 被代替
    (each an audit event)."""
    changed = 0
    for standard in db.session.scalars(select(Standard).where(
            Standard.status == StandardStatus.upcoming, Standard.implemented_on <= today)):
        before = snapshot(standard, STATUS_FIELDS)
        if standard.comes_into_force(today):
            record_change(None, standard, "came_into_force", STATUS_FIELDS, before)
            changed += 1
    db.session.flush()
    for standard in db.session.scalars(select(Standard).where(
            Standard.status == StandardStatus.current, Standard.replaced_by_id.is_not(None))
            .options(joinedload(Standard.replaced_by))):
        before = snapshot(standard, STATUS_FIELDS)
        if standard.ends_by_replacement(today):
            record_change(None, standard, "status_changed", STATUS_FIELDS, before)
            changed += 1
    db.session.commit()
    return changed


def watch() -> dict | None:
    """The worker's job: turn editions whose day has come, link the services' methods
    again (an import may have added or replaced editions), then tell labs and followers
    what changed, each once."""
    in_force = come_into_force(local_today())
    relinked = link_all()
    db.session.commit()
    labs, followers = _tell_labs(), _tell_followers()
    found = {k: v for k, v in (("in_force", in_force), ("relinked", relinked),
                               ("labs_told", labs),
                               ("followers_told", followers)) if v}
    return found or None
