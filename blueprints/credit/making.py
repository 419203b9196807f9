"""Making a dossier: measure every indicator of the county's set, score it, keep the
snapshot, and print it as a PDF signed with the desk's key (PAdES) that carries a QR
code to its check page on the desk's public address."""
import hashlib
import uuid
from datetime import date

import segno
from flask import current_app, render_template

from blueprints.audit.models import record_event
from blueprints.certificates.issuing import signing_folder
from blueprints.credit.evidence import measure
from blueprints.credit.indicators import IndicatorSet, indicator_set, score
from blueprints.credit.labels import bilingual
from blueprints.credit.models import Dossier, DossierRefused, new_access_code, valid_until
from blueprints.enterprises.models import EnterpriseStatus
from core import storage
from core.i18n import current_language
from core.i18n import lazy_gettext as _l
from core.links import public_url
from core.numbering import next_value
from core.numbers import plain
from core.timeutil import local_today, utcnow
from extensions import db


def county_set() -> IndicatorSet:
    return indicator_set(current_app.config["CREDIT_INDICATOR_SET"])


def snapshot(iset: IndicatorSet, enterprise, today: date) -> dict:
    """What the desk says of the enterprise today, scored by the set: plain data, the
    same on the dossier's page, in its PDF and in the preview before it is made."""
    measures = measure(iset, enterprise.id, today)
    result = score(iset, {i: m.value for i, m in measures.items()})
    points = {s.id: s.points for s in result.lines}
    lines = [{"id": ind.id, "dimension": ind.dimension, "zh": ind.zh, "en": ind.en,
              "unit": ind.unit, "record_kind": ind.record_kind, "weight": str(ind.weight),
              "value": None if measures[ind.id].value is None else str(measures[ind.id].value),
              "level": measures[ind.id].level, "points": plain(points[ind.id]),
              "evidence": measures[ind.id].evidence} for ind in iset.indicators]
    dimensions = [{"id": d, "zh": zh, "en": en,
                   "weight": str(sum(ind.weight for ind in iset.indicators
                                     if ind.dimension == d)),
                   "points": plain(sum(points[ind.id] for ind in iset.indicators
                                       if ind.dimension == d))}
                  for d, zh, en in iset.dimensions]
    return {"enterprise": {"name": enterprise.name, "uscc": enterprise.uscc},
            "set": {"county": iset.county, "zh": iset.zh, "en": iset.en,
                    "version": iset.version, "effective": iset.effective.isoformat(),
                    "min_known_weight": str(iset.min_known_weight),
                    "grades": [[str(a), g] for a, g in iset.grades]},
            "as_of": today.isoformat(), "dimensions": dimensions, "lines": lines,
            "score": str(result.total), "known_weight": str(result.known_weight),
            "total_weight": str(iset.total_weight), "grade": result.grade}


def check_url(dossier: Dossier) -> str:
    return public_url("credit.check", number=dossier.number, code=dossier.access_code)


def make(enterprise, user, bank: str, purpose: str) -> Dossier:
    """The enterprise's dossier for `bank`, made, signed and stored now (the caller
    commits). Raises DossierRefused for anyone but the enterprise's administrators,
    and for an enterprise the desk has not verified."""
    if not (user.enterprise_id == enterprise.id and user.is_enterprise_admin):
        raise DossierRefused(_l("Only your enterprise's administrators can make a dossier."))
    if enterprise.status != EnterpriseStatus.verified:
        raise DossierRefused(_l("The desk makes dossiers for verified enterprises only."))
    iset, today = county_set(), local_today()
    snap = snapshot(iset, enterprise, today)
    number = f"QC-{today.year}-{next_value('credit-dossier', today.year):05d}"
    dossier = Dossier(number=number, access_code=new_access_code(),
                      enterprise_id=enterprise.id, made_by_id=user.id, made_at=utcnow(),
                      made_on=today, valid_until=valid_until(today), bank=bank,
                      purpose=purpose, language=current_language(), county=iset.county,
                      set_version=iset.version, score=snap["score"],
                      known_weight=snap["known_weight"], grade=snap["grade"], snapshot=snap,
                      stored_name=uuid.uuid4().hex + ".pdf")
    db.session.add(dossier)
    db.session.flush()
    url = check_url(dossier)
    html = render_template("credit/document.html", d=dossier, s=snap, t=bilingual(snap),
                           check_url=url,
                           qr=segno.make(url, error="m").svg_data_uri(scale=3))
    # WeasyPrint loads only where a document is printed (hundreds of modules).
    from blueprints.certificates.rendering import render_signed
    pdf = render_signed(html, current_app.static_folder, signing_folder(),
                        reason=f"质量贷档案 Quality-credit dossier {number}", location=iset.en)
    storage.put(dossier.key, pdf, "application/pdf")  # stored before its row commits
    dossier.sha256 = hashlib.sha256(pdf).hexdigest()
    record_event(user, "credit_dossiers", dossier.id, "made",
                 after={"number": number, "enterprise": enterprise.id, "bank": bank,
                        "purpose": purpose, "score": snap["score"], "grade": snap["grade"],
                        "set_version": iset.version, "sha256": dossier.sha256})
    return dossier
