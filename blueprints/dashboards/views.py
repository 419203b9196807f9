"""The dashboards: the county's for the desk, a lab's own for its manager, and the
public's (aggregates only, figures over fewer than five cases left out). Every table
reads the month rows the worker keeps (dashboards/queries.py)."""
from flask import Blueprint, abort, render_template, request
from flask_login import current_user
from sqlalchemy import select

from blueprints.catalogue.kinds import IndustryChain, ServiceKind
from blueprints.catalogue.labels import INDUSTRY_LABELS, SERVICE_KIND_LABELS
from blueprints.dashboards import charts, queries
from blueprints.dashboards.forms import FilterForm, month_start, months_back
from blueprints.labs.models import Lab
from core.i18n import gettext as _
from core.i18n import localized
from core.permissions import roles_required
from core.roles import Role
from core.templating import expose
from core.timeutil import local_today
from extensions import db, limiter

bp = Blueprint("dashboards", __name__, url_prefix="/dashboards")
expose(bp, INDUSTRY_LABELS=INDUSTRY_LABELS, SERVICE_KIND_LABELS=SERVICE_KIND_LABELS)

# A citizen's request has no industry chain: the filter names it so.
CITIZENS = "citizens"


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


def _board(template_flags: dict, own_lab: int | None, public: bool):
    labs = _labs()
    form = _form(labs, own_lab)
    filters, status = _filters(form, own_lab)
    by = {name: queries.lines(filters, name, public) for name in ("month", "lab", "kind",
                                                                   "chain")}
    return render_template(
        "dashboards/board.html", form=form, filters=filters, labs=labs, by=by,
        charts=_charts(by, labs, own_lab),
        whole=queries.total(by["month"], public), public=public,
        satisfaction=queries.satisfaction(filters, public),
        scales=queries.scales(filters, public), computed_at=queries.computed_at(),
        **template_flags), status


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


@bp.route("/")
@roles_required(Role.admin, Role.lab_manager)
def board():
    """The desk's dashboard of the whole county; a lab manager's of their own lab."""
    own_lab = current_user.lab_id if current_user.role == Role.lab_manager else None
    if current_user.role == Role.lab_manager and own_lab is None:
        abort(403)
    return _board({"own_lab": own_lab}, own_lab, public=False)


@bp.route("/public")
@limiter.limit("60 per minute")
def public():
    """The county's figures for everyone: aggregates only."""
    return _board({"own_lab": None}, None, public=True)
