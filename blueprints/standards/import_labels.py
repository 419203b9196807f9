"""How catalogue imports read to administrators: a run's state, each line's outcome,
why a row or a file was refused, and a changed value, in the reader's language."""
from datetime import date

from blueprints.standards.import_runs import ImportState
from blueprints.standards.importing import COLUMNS, MAX_ROWS, STATUS_ZH, Outcome
from blueprints.standards.labels import STANDARD_STATUS_LABELS
from blueprints.standards.models import StandardStatus
from core.i18n import lazy_gettext as _l

IMPORT_STATE_LABELS = {
    ImportState.queued: _l("Waiting to start"),
    ImportState.running: _l("Running"),
    ImportState.done: _l("Done"),
    ImportState.failed: _l("Stopped"),
}

OUTCOME_LABELS = {
    Outcome.added: _l("Added"),
    Outcome.changed: _l("Changed"),
    Outcome.unchanged: _l("Unchanged"),
    Outcome.refused: _l("Refused"),
}

FIELD_LABELS = {
    "code": _l("Standard number"),
    "title_zh": _l("Chinese title"),
    "title_en": _l("English title"),
    "status": _l("Status"),
    "issued_on": _l("Issued on"),
    "implemented_on": _l("Implemented on"),
    "withdrawn_on": _l("Withdrawn on"),
    "replaced_by": _l("Replaced by"),
    "replaces": _l("Replaces"),
    "ics": _l("ICS codes"),
    "body": _l("Responsible body"),
    "adoption": _l("Adoption"),
    "adopted_from": _l("Adopted standard"),
    "scope_zh": _l("Scope (Chinese)"),
    "scope_en": _l("Scope (English)"),
}

# Why a row was refused (importing.Refused reasons), with what they name.
REASONS = {
    "no_number": _l("No standard number."),
    "unreadable_number": _l("“%(value)s” is not a standard number the desk can read."),
    "all_parts": _l("“%(value)s” names all parts of a standard: give each edition its own "
                    "row."),
    "undated": _l("“%(value)s” has no year: the catalogue holds editions, such as "
                  "GB/T 3920-2008."),
    "same_as_line": _l("Same standard as line %(line)s."),
    "no_title": _l("No title in either language."),
    "no_status": _l("No status."),
    "unknown_status": _l("Unknown status “%(value)s”: use current, withdrawn, replaced or "
                         "upcoming (现行, 废止, 被代替, 即将实施)."),
    "bad_date": _l("%(column)s: “%(value)s” is not a date (write 2008-08-01)."),
    "unknown_ics": _l("“%(value)s” is not an ICS code."),
    "unknown_adoption": _l("Adoption “%(value)s” does not say, once, whether it is IDT, MOD "
                           "or NEQ."),
    # 被代替标准号: the edition that replaced the row
    "unreadable_replacement": _l("Replaced by: “%(value)s” is not a standard number the "
                                 "desk can read."),
    "several_replacements": _l("Replaced by: “%(value)s” names more than one standard; the "
                               "catalogue links one."),
    "undated_replacement": _l("Replaced by: “%(value)s” has no year."),
    "replaced_by_itself": _l("Replaced by: the standard is named as its own replacement."),
    "replacement_older": _l("Replaced by: %(value)s is an older edition of the same "
                            "standard (what a standard replaces goes under 代替标准号)."),
    "replacement_unknown": _l("Replaced by: %(value)s is neither in the catalogue nor in "
                              "this file."),
    "replacement_refused": _l("Replaced by: %(value)s was refused on line %(line)s."),
    # 代替标准号: the editions the row replaces
    "unreadable_replaces": _l("Replaces: “%(value)s” is not a standard number the desk can "
                              "read."),
    "replaces_all_parts": _l("Replaces: “%(value)s” names all parts of a standard; name "
                             "each edition it replaces."),
    "replaces_itself": _l("Replaces: the standard is named as replacing itself."),
    "replaces_newer": _l("Replaces: %(value)s is a newer edition of the same standard."),
    "replaces_unresolved": _l("Replaces: no edition of %(value)s in force was found in the "
                              "catalogue or this file; give its year."),
    "replaces_unknown": _l("Replaces: %(value)s is neither in the catalogue nor in this "
                           "file."),
    "replaces_refused": _l("Replaces: %(value)s was refused on line %(line)s."),
    "replaces_contradicted": _l("Replaces: %(value)s, but line %(line)s gives it another "
                                "status or replacement."),
    "replaces_twice": _l("Replaces: %(value)s, which line %(line)s already replaces."),
    "replaces_its_replacement": _l("Replaces: %(value)s, which is named as replacing this "
                                   "standard."),
    "too_long": _l("%(column)s is longer than %(limit)s characters."),
}

# Why a file was refused (importing.UnreadableFile codes).
FILE_REFUSALS = {
    "empty": _l("The file is empty."),
    "too_large": _l("The file is larger than 10 MB."),
    "wrong_type": _l("Only CSV and Excel (.xlsx) files can be imported (the file's content "
                     "was checked, not its name)."),
    "xls": _l("This is an Excel file in the old .xls format: save it as .xlsx or CSV and "
              "upload it again."),
    "encoding": _l("The CSV file is neither UTF-8 nor GB18030 text: save it again as "
                   "“CSV UTF-8”."),
    "damaged": _l("The file is damaged and cannot be read."),
    "no_number_column": _l("No column of standard numbers was found: the header row needs "
                           "a column named 标准号 (or code)."),
    "too_many_rows": _l("The file has more rows than one import takes (%(n)s at most).",
                        n=f"{MAX_ROWS:,}"),
}


def reason_text(reason: str, detail: dict | None) -> str:
    """A refused line's reason in the reader's language."""
    words = REASONS.get(reason)
    if words is None:
        return reason
    detail = dict(detail or {})
    if "column" in detail:
        detail["column"] = str(FIELD_LABELS.get(detail["column"], detail["column"]))
    try:
        return str(words) % detail if detail else str(words)
    except (KeyError, TypeError, ValueError):  # a report kept by an older version
        return str(words)


def file_refusal(code: str) -> str:
    return str(FILE_REFUSALS.get(code) or FILE_REFUSALS["damaged"])


def run_error(error: str) -> str:
    """Why a run stopped: a file refusal in words, any other error as it was."""
    return file_refusal(error) if error in FILE_REFUSALS else error


def value_text(field: str, value) -> str:
    """A value as the report shows it: a status in words, "—" for nothing."""
    if value in (None, ""):
        return "—"
    if field == "status" and value in STATUS_ZH:
        return str(STANDARD_STATUS_LABELS[StandardStatus(value)])
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# The headers a file is read by (and written with), for the upload page: 代替标准号 the
# editions a row replaces, 被代替标准号 the edition that replaced it.
IMPORT_HEADERS = tuple(COLUMNS.values())
