"""The audit log as an administrator reads it: who (by name) did what (in words) to
which record (by its name or number, linked), and what changed, field by field in
plain values. The log itself stays as written (blueprints/audit); this module only
reads it, a fixed number of queries per page: one per kind of record shown."""
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import url_for
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from blueprints.admin.labels import AUDIT_ACTION_LABELS, AUDIT_FIELD_LABELS, AUDIT_RECORD_LABELS
from blueprints.auth.models import User
from blueprints.catalogue.kinds import ServiceKind
from blueprints.catalogue.labels import SERVICE_KIND_LABELS
from blueprints.catalogue.models import Capability, Service
from blueprints.certificates.models import Certificate, CertificateBatch
from blueprints.clinic.labels import CASE_EVENT_LABELS, CASE_STATE_LABELS
from blueprints.clinic.library import CaseArticle
from blueprints.clinic.lifecycle import CaseState
from blueprints.clinic.models import ClinicCase, Expert
from blueprints.enterprises.labels import ENTERPRISE_STATUS_LABELS
from blueprints.enterprises.models import Enterprise, Invitation
from blueprints.labs.models import Lab, Signatory
from blueprints.metrology.models import Campaign
from blueprints.notifications.mail import OutgoingMail
from blueprints.scheduling.models import Booking, Resource
from blueprints.service_requests.labels import EVENT_LABELS, STATE_LABELS
from blueprints.service_requests.lifecycle import State
from blueprints.service_requests.models import Rating, RequestItem, ServiceRequest, SubRequest
from core.i18n import gettext as _
from core.i18n import localized
from core.numbers import money
from core.working_calendar import CalendarDay
from extensions import db


@dataclass(frozen=True)
class Subject:
    """A record as the log names it: "委托 QD-2026-000123", with a page to open."""
    label: str
    url: str | None = None

    def link(self) -> Markup:
        if self.url:
            return Markup('<a href="{}">{}</a>').format(self.url, self.label)
        return Markup("{}").format(self.label)


def _request_url(request_id: int) -> str:
    return url_for("service_requests.detail", request_id=request_id)


def _part(sub: SubRequest) -> Subject:
    return Subject(_("part %(number)s (%(lab)s)", number=sub.number,
                     lab=localized(sub.lab, "name")), _request_url(sub.request_id))


# How each kind of record is loaded and named: (model, load options, describe).
Describer = tuple[type, tuple, Callable[[object], Subject]]
DESCRIBERS: dict[str, Describer] = {
    "service_requests": (ServiceRequest, (), lambda r: Subject(
        _("request %(number)s", number=r.number) if r.number
        else _("draft \u201c%(title)s\u201d", title=r.title), _request_url(r.id))),
    "sub_requests": (SubRequest, (joinedload(SubRequest.request), joinedload(SubRequest.lab)),
                     _part),
    "request_items": (RequestItem, (joinedload(RequestItem.sub_request)
                                    .joinedload(SubRequest.request),
                                    joinedload(RequestItem.service)), lambda i: Subject(
        _("%(service)s in part %(number)s", service=localized(i.service, "name"),
          number=i.sub_request.number if i.sub_request else "—"), _request_url(i.request_id))),
    "ratings": (Rating, (joinedload(Rating.sub_request).joinedload(SubRequest.request),),
                lambda r: Subject(_("rating of part %(number)s", number=r.sub_request.number),
                                  _request_url(r.sub_request.request_id))),
    "enterprises": (Enterprise, (), lambda e: Subject(
        _("enterprise %(name)s", name=e.name),
        url_for("enterprises.detail", enterprise_id=e.id))),
    "invitations": (Invitation, (joinedload(Invitation.enterprise),), lambda i: Subject(
        _("invitation of %(email)s to %(name)s", email=i.email, name=i.enterprise.name),
        url_for("enterprises.detail", enterprise_id=i.enterprise_id))),
    "labs": (Lab, (), lambda lab: Subject(_("lab %(name)s", name=localized(lab, "name")),
                                          url_for("labs.detail", code=lab.code))),
    "signatories": (Signatory, (joinedload(Signatory.user), joinedload(Signatory.lab)),
                    lambda s: Subject(_("%(name)s as signatory of %(lab)s", name=s.user.name,
                                        lab=localized(s.lab, "name")),
                                      url_for("labs.detail", code=s.lab.code))),
    "services": (Service, (), lambda s: Subject(
        _("service %(name)s", name=localized(s, "name")),
        url_for("catalogue.detail", code=s.code))),
    "capabilities": (Capability, (joinedload(Capability.lab), joinedload(Capability.service)),
                     lambda c: Subject(_("%(service)s at %(lab)s",
                                         service=localized(c.service, "name"),
                                         lab=localized(c.lab, "name")),
                                       url_for("labs.detail", code=c.lab.code))),
    "users": (User, (), lambda u: Subject(_("account of %(name)s", name=u.name),
                                          url_for("admin.edit_user", user_id=u.id))),
    "certificates": (Certificate, (), lambda c: Subject(
        _("certificate %(number)s", number=c.number),
        url_for("certificates.download", cert_id=c.id))),
    "certificate_batches": (CertificateBatch, (joinedload(CertificateBatch.lab),),
                            lambda b: Subject(_("batch of %(n)s certificates of %(lab)s",
                                                n=b.total, lab=localized(b.lab, "name")))),
    "bookings": (Booking, (joinedload(Booking.sub_request).joinedload(SubRequest.request),),
                 lambda b: Subject(_("booking of part %(number)s", number=b.sub_request.number),
                                   _request_url(b.sub_request.request_id))
                 if b.sub_request else Subject(_("booking %(id)s", id=b.id))),
    "resources": (Resource, (), lambda r: Subject(_("resource %(name)s", name=r.name))),
    "calendar_days": (CalendarDay, (), lambda d: Subject(
        _("calendar day %(day)s %(name)s", day=d.day, name=d.name))),
    "campaigns": (Campaign, (), lambda c: Subject(
        _("verification day %(day)s at %(market)s", day=c.day, market=c.market),
        url_for("metrology.campaign", campaign_id=c.id))),
    "outgoing_mail": (OutgoingMail, (), lambda m: Subject(
        _("mail to %(to)s", to=m.to_address), url_for("admin.mail"))),
    "clinic_cases": (ClinicCase, (), lambda c: Subject(
        _("quality-clinic case %(number)s", number=c.number),
        url_for("clinic.detail", case_id=c.id))),
    "clinic_articles": (CaseArticle, (), lambda a: Subject(
        _("case-library article \u201c%(title)s\u201d", title=a.title),
        url_for("clinic.article", case_id=a.case_id))),
    "experts": (Expert, (joinedload(Expert.user),), lambda e: Subject(
        _("expert %(name)s", name=e.user.name),
        url_for("clinic.edit_expert", expert_id=e.id))),
}


def subjects(events: Iterable) -> dict[tuple[str, int], Subject]:
    """Each event's record, named; a record since deleted keeps its type and number."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for ev in events:
        if ev.entity_id is not None:
            wanted[ev.entity].add(ev.entity_id)
    named: dict[tuple[str, int], Subject] = {}
    for entity, ids in wanted.items():
        describer = DESCRIBERS.get(entity)
        if describer is not None:
            model, options, describe = describer
            for obj in db.session.scalars(select(model).where(model.id.in_(ids))
                                          .options(*options)).unique():
                named[(entity, obj.id)] = describe(obj)
        for missing in ids:
            named.setdefault((entity, missing), Subject(
                f"{record_label(entity)} #{missing}"))
    return named


def record_label(entity: str) -> str:
    label = AUDIT_RECORD_LABELS.get(entity)
    return str(label) if label else entity


def happened(entity: str, action: str) -> str:
    """What the event did, in words: a request's steps as its timeline says them."""
    label = AUDIT_ACTION_LABELS.get((entity, action)) or (
        CASE_EVENT_LABELS.get(action) if entity == "clinic_cases" else None) \
        or AUDIT_ACTION_LABELS.get(action) \
        or (EVENT_LABELS.get(action) if entity in ("service_requests", "sub_requests",
                                                   "request_items") else None)
    return str(label) if label else action.replace("_", " ")


def action_choices() -> list[tuple[str, str]]:
    """Every action the filter offers, by its words."""
    names = {a for a in AUDIT_ACTION_LABELS if isinstance(a, str)} | set(EVENT_LABELS)
    return sorted(((a, happened("sub_requests", a)) for a in names), key=lambda c: c[1])


def readable(field: str, value, names: dict, entity: str = "") -> str:
    """A stored value as people read it: a state by its label, a lab or person by
    name, lists joined, nothing shown as Python."""
    if value is None or value == "":
        return "—"
    if entity == "clinic_cases" and field == "state" and value in CaseState._value2member_map_:
        return str(CASE_STATE_LABELS[CaseState(value)])
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if field.endswith("_cents") and isinstance(value, int):
        return money(value)
    if field == "state" and value in State._value2member_map_:
        return str(STATE_LABELS[State(value)])
    if field == "status":
        for member, label in ENTERPRISE_STATUS_LABELS.items():
            if member.value == value:
                return str(label)
    if field == "kinds":
        kinds = value.split(",") if isinstance(value, str) else value
        return "、".join(str(SERVICE_KIND_LABELS[ServiceKind(k)])
                        if k in ServiceKind._value2member_map_ else str(k) for k in kinds)
    if field in ("lab_id", "labs", "employer_lab_id"):
        values = value if isinstance(value, list) else [value]
        return "、".join(names["labs"].get(v, str(v)) for v in values)
    if field in ("assignee_id", "user_id", "signed_by_id"):
        return names["users"].get(value, f"#{value}")
    if isinstance(value, list):
        return "、".join(readable(field, v, names) for v in value) or "—"
    if isinstance(value, dict):
        return "; ".join(f"{field_label(k)}: {readable(k, v, names)}" for k, v in value.items())
    return str(value)


def field_label(field: str) -> str:
    label = AUDIT_FIELD_LABELS.get(field)
    return str(label) if label else field.replace("_", " ")


@dataclass(frozen=True)
class Change:
    field: str
    before: str | None  # None: the field was only set, not changed from a value
    after: str


def changes(events: Iterable) -> dict[int, list[Change]]:
    """Each event's changes in words (two queries: the labs and people named)."""
    events = list(events)
    lab_refs, user_refs = set(), set()
    for ev in events:
        for side in (ev.before or {}, ev.after or {}):
            for key, value in side.items():
                if key in ("lab_id", "labs", "employer_lab_id"):
                    lab_refs.update(value if isinstance(value, list) else [value])
                elif key in ("assignee_id", "user_id", "signed_by_id"):
                    user_refs.add(value)
    names = {"labs": {}, "users": {}}
    codes = {v for v in lab_refs if isinstance(v, str)}
    ids = {v for v in lab_refs if isinstance(v, int)}
    if codes or ids:
        for lab in db.session.scalars(select(Lab).where(Lab.code.in_(codes) | Lab.id.in_(ids))):
            names["labs"][lab.code] = names["labs"][lab.id] = localized(lab, "name")
    user_ids = {v for v in user_refs if isinstance(v, int)}
    if user_ids:
        names["users"] = dict(db.session.execute(select(User.id, User.name)
                                                 .where(User.id.in_(user_ids))).all())
    out: dict[int, list[Change]] = {}
    for ev in events:
        before, after = ev.before or {}, ev.after or {}
        out[ev.id] = [Change(field_label(k),
                             readable(k, before[k], names, ev.entity) if k in before else None,
                             readable(k, after.get(k), names, ev.entity))
                      for k in list(after) + [k for k in before if k not in after]]
    return out
