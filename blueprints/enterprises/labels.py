"""The enterprises area's words for people."""
from blueprints.enterprises.models import EnterpriseSize, EnterpriseStatus
from blueprints.enterprises.records import RecordKind
from core.i18n import lazy_gettext as _l

ENTERPRISE_STATUS_LABELS = {
    EnterpriseStatus.pending: _l("Pending verification"),
    EnterpriseStatus.verified: _l("Verified"),
    EnterpriseStatus.rejected: _l("Rejected"),
}
ENTERPRISE_SIZE_LABELS = {
    EnterpriseSize.micro: _l("Micro (under 10 staff)"),
    EnterpriseSize.small: _l("Small (10–99 staff)"),
    EnterpriseSize.medium: _l("Medium (100–999 staff)"),
    EnterpriseSize.large: _l("Large (1000 staff or more)"),
}

# GB 32100-2015 Annex A: who registered the organisation and what kind it is, by the
# code's first two characters (the common ones; the rest are shown as their code).
AUTHORITY_TYPE_LABELS = {
    "11": _l("Government body (organisation establishment authority)"),
    "12": _l("Public institution (organisation establishment authority)"),
    "51": _l("Social organisation (civil affairs)"),
    "52": _l("Private non-enterprise unit (civil affairs)"),
    "53": _l("Foundation (civil affairs)"),
    "91": _l("Enterprise (market regulation)"),
    "92": _l("Individual business (market regulation)"),
    "93": _l("Farmers' cooperative (market regulation)"),
}

RECORD_KIND_LABELS = {
    RecordKind.standard_drafted: _l("Standard drafted"),
    RecordKind.certification: _l("Certification"),
    RecordKind.award: _l("Award"),
    RecordKind.sampling: _l("Supervision sampling"),
}
# Each kind's levels (records.LEVELS) in words; a level name may mean different things
# for different kinds, so the words are looked up by both.
RECORD_LEVEL_LABELS = {
    RecordKind.standard_drafted: {
        "international": _l("International standard"), "national": _l("National standard"),
        "industry": _l("Industry standard"), "local": _l("Local standard"),
        "group": _l("Association standard")},
    RecordKind.certification: {
        "qms": _l("Quality management system (ISO 9001)"),
        "product": _l("Product certification"),
        "other_system": _l("Other management system")},
    RecordKind.award: {
        "national": _l("National award"), "provincial": _l("Provincial award"),
        "municipal": _l("Municipal award"), "county": _l("County award")},
    RecordKind.sampling: {
        "national": _l("National sampling"), "provincial": _l("Provincial sampling"),
        "municipal": _l("Municipal sampling"), "county": _l("County sampling")},
}
RECORD_OUTCOME_LABELS = {"passed": _l("Passed"), "failed": _l("Did not pass")}
