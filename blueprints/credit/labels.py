"""The credit area's words: a dossier's status, and its values and evidence (kept as
plain data in the snapshot) put into the reader's language."""
from decimal import Decimal

from blueprints.credit.models import DossierStatus, ViewKind
from blueprints.enterprises.labels import RECORD_KIND_LABELS, RECORD_LEVEL_LABELS
from blueprints.enterprises.records import RecordKind
from core.i18n import gettext as _
from core.i18n import in_language
from core.i18n import lazy_gettext as _l
from core.timeutil import to_local

DOSSIER_STATUS_LABELS = {
    DossierStatus.valid: _l("Valid"),
    DossierStatus.expired: _l("Expired"),
    DossierStatus.revoked: _l("Revoked"),
}
VIEW_KIND_LABELS = {
    ViewKind.page: _l("Opened the dossier's page"),
    ViewKind.copy_checked: _l("Checked a PDF copy"),
}


def status_sentence(dossier, today) -> str:
    """What the check page tells the bank of the dossier's standing."""
    status = dossier.status(today)
    if status == DossierStatus.valid:
        return _("This dossier is valid until %(date)s.", date=dossier.valid_until.isoformat())
    if status == DossierStatus.expired:
        return _("This dossier expired on %(date)s. Ask the enterprise for a new one.",
                 date=dossier.valid_until.isoformat())
    return _("The enterprise revoked this dossier on %(date)s. Ask it for a new one.",
             date=to_local(dossier.revoked_at).strftime("%Y-%m-%d"))


def _number(value: str) -> str:
    d = Decimal(value)
    return f"{d:,.0f}" if d == d.to_integral_value() else f"{d:,.1f}"


def value_text(line: dict) -> str:
    """An indicator's value as the dossier prints it; "unknown" where the desk has no
    source, which is not the same as none."""
    if line["value"] is None:
        return _("Unknown (the desk has no source for it)")
    unit, value = line["unit"], line["value"]
    if unit == "percent":
        return f"{_number(value)}%"
    if unit == "yuan":
        return f"¥{_number(value)}"
    if unit == "level":
        if not line.get("level"):
            return _("None in force")
        kind = RecordKind(line["record_kind"])
        return str(RECORD_LEVEL_LABELS[kind].get(line["level"], line["level"]))
    return _number(value)


def _record_text(e: dict) -> str:
    kind = RecordKind(e["kind"])
    parts = [f"{RECORD_KIND_LABELS[kind]}: {e['title']}"]
    if e["reference"]:
        parts.append(e["reference"])
    if e["issuer"]:
        parts.append(e["issuer"])
    if e["outcome"]:
        parts.append(_("passed") if e["outcome"] == "passed" else _("did not pass"))
    if e["valid_until"]:
        parts.append(_("valid until %(date)s", date=e["valid_until"]) if e["in_force"]
                     else _("lapsed %(date)s", date=e["valid_until"]))
    return " · ".join(parts)


def evidence_text(e: dict) -> str:
    """One piece of evidence in words."""
    if e["source"] == "record":
        return _record_text(e)
    what = e["what"]
    if what == "tests":
        return _("%(items)s items reported by accredited labs through the desk since "
                 "%(since)s: %(passed)s passed, %(failed)s failed", items=e["items"],
                 since=e["since"][:7], passed=e["passed"], failed=e["failed"])
    if what == "instruments":
        return _("%(n)s instruments on record with the desk: %(in_date)s within their "
                 "verification period, %(overdue)s overdue", n=e["instruments"],
                 in_date=e["in_date"], overdue=e["overdue"])
    if what == "clinic":
        return _("%(cases)s quality-clinic cases, %(ended)s ended, %(solved)s solved",
                 cases=e["cases"], ended=e["ended"], solved=e["solved"])
    if what == "benefit":
        return _("Savings verified by the desk: ¥%(verified)s (reported: ¥%(reported)s)",
                 verified=_number(str(Decimal(e["verified_cents"]) / 100)),
                 reported=_number(str(Decimal(e["reported_cents"]) / 100)))
    if what == "standards":
        return _("%(n)s standards followed on the desk", n=e["followed"])
    return what


def source_text(e: dict) -> str:
    """Where a piece of evidence comes from."""
    if e["source"] == "record":
        return _("Document verified by the desk")
    return _("The desk's own records")


def bilingual(snap: dict) -> dict[str, dict]:
    """For the printed dossier, which reads in both languages: each line's value and
    evidence in Chinese and in English, by indicator id."""
    texts: dict[str, dict] = {line["id"]: {"value": [], "evidence": [[] for _e in
                                                                  line["evidence"]]}
                              for line in snap["lines"]}
    for locale in ("zh", "en"):
        with in_language(locale):
            for line in snap["lines"]:
                texts[line["id"]]["value"].append(value_text(line))
                for n, e in enumerate(line["evidence"]):
                    texts[line["id"]]["evidence"][n].append(
                        f"{evidence_text(e)}（{source_text(e)}，{e['date']}）" if locale == "zh"
                        else f"{evidence_text(e)} ({source_text(e)}, {e['date']})")
    return texts
