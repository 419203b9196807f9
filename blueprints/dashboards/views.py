"""The dashboards: the county's for the desk, a lab's own for its manager, and the
public's (aggregates only, figures over fewer than five cases left out). Every table
reads the month rows the worker keeps (dashboards/queries.py)."""
from dataclasses import dataclass

from flask import Blueprint, abort, current_app, make_response, render_template, request
from flask_login import current_user
from sqlalchemy import select

from blueprints.catalogue.kinds import IndustryChain, ServiceKind
from blueprints.catalogue.labels import INDUSTRY_LABELS, SERVICE_KIND_LABELS
from blueprints.dashboards import charts, kept, profile, queries
from blueprints.dashboards.export import write_csv, write_xlsx
from blueprints.dashboards.forms import FilterForm, month_start
from blueprints.dashboards.kept import Figures
from blueprints.dashboards.tables import DEFINITIONS, board_tables
from blueprints.enterprises.labels import (
    RECORD_KIND_LABELS,
    RECORD_LEVEL_LABELS,
    RECORD_OUTCOME_LABELS,
)
from blueprints.enterprises.models import Enterprise
from blueprints.enterprises.records import records_of
from blueprints.labs.models import Lab
from core.i18n import current_language, localized
from core.i18n import gettext as _
from core.permissions import roles_required
from core.roles import Role
from core.templating import expose
from core.timeutil import LOCAL_TZ, local_today, months_back
from extensions import db, limiter

bp = Blueprint("dashboards", __name__, url_prefix="/dashboards")
expose(bp, INDUSTRY_LABELS=INDUSTRY_LABELS, SERVICE_KIND_LABELS=SERVICE_KIND_LABELS,
       RECORD_KIND_LABELS=RECORD_KIND_LABELS, RECORD_LEVEL_LABELS=RECORD_LEVEL_LABELS,
       RECORD_OUTCOME_LABELS=RECORD_OUTCOME_LABELS)

BREAKDOWNS = ("month", "lab", "kind", "chain")
# A citizen's request has no industry chain: the filter names it so.
CITIZENS = "citizens"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _labs() -> dict[int, str]:
    return {lab.id: localized(lab, "name") for lab in
            db.session.scalars(select(Lab).order_by(Lab.code))}


def _form(labs: dict[int, str], own_lab: int | None) -> FilterForm:
    form = FilterForm(request.args)
    form.lab.choices = [("", _("All labs"))] + [(str(i), name) for i, name in labs.items()
                                                 if own_lab is None or i == own_lab]
    form.chain.choices = [("", _("All chains"))] + [
        (c.value, str(INDUSTRY_LABELS[c])) for c in IndustryChain] + [
        (CITIZENS, _("Citizens (no enterprise)"))]
    form.kind.choices = [("", _("All kinds"))] + [
        (k.value, str(SERVICE_KIND_LABELS[k])) for k in ServiceKind]
    return form


def _filters(form: FilterForm, own_lab: int | None) -> tuple[queries.Filters, int]:
    """The form's filters, or this year's months for everything when they do not
    read (with a 400, the form saying why)."""
    today = local_today()
    first, last = months_back(today, 11), today.replace(day=1)
    valid = form.validate()
    if valid:
        first = month_start(form.since.data) if form.since.data else first
        last = month_start(form.until.data) if form.until.data else max(first, last)
    if not form.since.data or not valid:
        form.since.data = first.strftime("%Y-%m")
    if not form.until.data or not valid:
        form.until.data = last.strftime("%Y-%m")
    chain = form.chain.data if valid and form.chain.data else None
    lab = int(form.lab.data) if valid and form.lab.data else None
    return queries.Filters(
        first=first, last=last, lab_id=own_lab if own_lab is not None else lab,
        chain="" if chain == CITIZENS else chain,
        kind=form.kind.data if valid and form.kind.data else None), 200 if valid else 400


@dataclass
class Board:
    """Everything a board shows, read once for the page and its exports alike."""
    form: FilterForm
    filters: queries.Filters
    status: int
    labs: dict
    by: dict
    whole: queries.Line
    tables: list
    charts: dict
    computed_at: object
    served: int


def _figures(filters: queries.Filters, with_clinic: bool, public: bool) -> Figures:
    # Figures change only when the worker computes them again (dashboards/kept.py).
    computed_at = queries.computed_at()
    keeping = computed_at is not None and current_app.config["DASHBOARD_FIGURES_KEPT"]
    key = kept.key_of(filters, with_clinic, public, computed_at) if keeping else None
    if keeping and (found := kept.find(key)) is not None:
        return found
    figures = Figures(
        {name: queries.lines(filters, name, public) for name in BREAKDOWNS},
        queries.satisfaction(filters, public), queries.scales(filters, public),
        queries.backlog(filters), queries.clinic(filters, public) if with_clinic else [],
        queries.served(filters), computed_at)
    if keeping:
        kept.keep(key, figures)
    return figures


def _read_board(own_lab: int | None, public: bool) -> Board:
    labs = _labs()
    form = _form(labs, own_lab)
    filters, status = _filters(form, own_lab)
    figures = _figures(filters, own_lab is None, public)
    by = figures.by
    found = board_tables(by, figures.satisfaction, figures.scales, figures.backlog,
                         figures.clinic, labs, own_lab)
    return Board(form, filters, status, labs, by, queries.total(by["month"], public), found,
                 _charts(by, labs, own_lab), figures.computed_at, figures.served)


def _board(own_lab: int | None, public: bool):
    board = _read_board(own_lab, public)
    return render_template("dashboards/board.html", board=board, form=board.form,
                           labs=board.labs, whole=board.whole, public=public,
                           own_lab=own_lab, charts=board.charts,
                           computed_at=board.computed_at,
                           definitions=DEFINITIONS), board.status


def _about(board: Board, public: bool) -> list[tuple[str, str]]:
    """The filters, when the figures were computed, and the definitions."""
    f, form = board.filters, board.form
    chosen = {name: dict(getattr(form, name).choices).get(getattr(form, name).data or "")
              for name in ("lab", "chain", "kind")}
    lines = [(_("Months"), f"{f.first:%Y-%m} – {f.last:%Y-%m}"),
             (_("Lab"), board.labs.get(f.lab_id, "") if f.lab_id else chosen["lab"]),
             (_("Industry chain"), chosen["chain"]), (_("Kind of service"), chosen["kind"]),
             (_("Figures computed"), board.computed_at.astimezone(LOCAL_TZ)
              .strftime("%Y-%m-%d %H:%M") if board.computed_at else "—")]
    if public:
        lines.append(("", _("Figures over fewer than five cases are not shown.")))
    return lines + [(str(term), str(text)) for term, text in DEFINITIONS]


def _export(own_lab: int | None, public: bool, fmt: str):
    board = _read_board(own_lab, public)
    if board.status != 200:
        abort(400)
    write = write_xlsx if fmt == "xlsx" else write_csv
    response = make_response(write(board.tables, _("Definitions and filters"),
                                   _about(board, public)))
    response.mimetype = XLSX if fmt == "xlsx" else "text/csv"
    name = f"qidesk-figures-{board.filters.first:%Y%m}-{board.filters.last:%Y%m}.{fmt}"
    response.headers["Content-Disposition"] = f"attachment; filename={name}"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _charts(by: dict, labs: dict[int, str], own_lab: int | None) -> dict:
    """The charts beside the tables, built from the same lines."""
    months = [line.key.strftime("%Y-%m") for line in by["month"]]
    chains = [str(INDUSTRY_LABELS[line.key]) if line.key else _("Citizens (no enterprise)")
              for line in by["chain"]]
    found = {
        "month": charts.chart(
            _("Items in and reported, and the median turnaround, by month"), months,
            charts.series(_("Items in"), [line.items_in for line in by["month"]]),
            charts.series(_("Items reported"), [line.items_done for line in by["month"]]),
            charts.series(_("Median (working days)"), [line.median for line in by["month"]],
                          kind="line", axis=1),
            axes=(_("Items"), _("Working days"))),
        "chain": charts.chart(
            _("Pass rate and on-time rate by industry chain"), chains,
            charts.series(_("Pass rate"), [line.pass_rate for line in by["chain"]], unit="%"),
            charts.series(_("On time"), [line.on_time_rate for line in by["chain"]], unit="%"),
            axes=("%",), percent_axis=0),
    }
    if own_lab is None:
        found["lab"] = charts.chart(
            _("Items reported and on-time rate by lab"),
            [labs.get(line.key, str(line.key)) for line in by["lab"]],
            charts.series(_("Items reported"), [line.items_done for line in by["lab"]]),
            charts.series(_("On time"), [line.on_time_rate for line in by["lab"]],
                          kind="line", axis=1, unit="%"),
            axes=(_("Items"), "%"), percent_axis=1)
    return found


def _own_lab() -> int | None:
    """The lab a lab manager's board is held to; None for the desk."""
    if current_user.role != Role.lab_manager:
        return None
    if current_user.lab_id is None:
        abort(403)
    return current_user.lab_id


@bp.route("/")
@roles_required(Role.admin, Role.lab_manager)
def board():
    """The desk's dashboard of the whole county; a lab manager's of their own lab."""
    return _board(_own_lab(), public=False)


@bp.route("/export.<any(xlsx, csv):fmt>")
@roles_required(Role.admin, Role.lab_manager)
def export(fmt: str):
    """The board as shown, under the same filters, as a workbook or CSV."""
    return _export(_own_lab(), False, fmt)


@bp.route("/report.pdf")
@roles_required(Role.admin, Role.lab_manager)
def report():
    """The board as a printable report (WeasyPrint; the charts drawn as SVG), under the
    same filters: a month's report when the filters span one month."""
    own_lab = _own_lab()
    board = _read_board(own_lab, public=False)
    if board.status != 200:
        abort(400)
    f = board.filters
    period = f"{f.first:%Y-%m}" if f.first == f.last else f"{f.first:%Y-%m} – {f.last:%Y-%m}"
    title = _("Dashboard of %(lab)s", lab=board.labs[own_lab]) if own_lab \
        else _("Dashboard of the county")
    html = render_template(
        "dashboards/report.html", title=title, period=period, whole=board.whole,
        served=board.served, tables=board.tables, charts=board.charts,
        definitions=DEFINITIONS, locale=current_language(),
        computed=board.computed_at.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")
        if board.computed_at else "—")
    # WeasyPrint loads only where a document is printed (hundreds of modules).
    from blueprints.certificates.rendering import html_to_pdf
    response = make_response(html_to_pdf(html, current_app.static_folder))
    response.mimetype = "application/pdf"
    response.headers["Content-Disposition"] = \
        f"inline; filename=qidesk-report-{f.first:%Y%m}-{f.last:%Y%m}.pdf"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/enterprises/<int:enterprise_id>")
def quality_profile(enterprise_id: int):
    """An enterprise's quality profile: for its own members and the desk; nobody else
    learns it exists."""
    if not current_user.is_authenticated or not (
            current_user.role == Role.admin or current_user.enterprise_id == enterprise_id):
        abort(404)
    enterprise = db.session.get(Enterprise, enterprise_id)
    if enterprise is None:
        abort(404)
    return render_template("dashboards/profile.html", enterprise=enterprise,
                           profile=profile.quality_profile(enterprise.id, local_today()),
                           records=records_of(enterprise.id), today=local_today(),
                           computed_at=queries.computed_at())


@bp.route("/public")
@limiter.limit("60 per minute")
def public():
    """The county's figures for everyone: aggregates only."""
    return _board(None, public=True)


@bp.route("/public/export.<any(xlsx, csv):fmt>")
@limiter.limit("20 per minute")
def public_export(fmt: str):
    return _export(None, True, fmt)
