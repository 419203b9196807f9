"""The dashboards' charts as plain data for the page's chart script (static/js/
dashboards.js): labels, series and their axes, from the same lines the tables show, so
a chart and its table never disagree. A figure the page leaves out is a gap (None)."""
from decimal import Decimal


def _number(value):
    return float(value) if isinstance(value, Decimal) else value


def series(name: str, values, kind: str = "bar", axis: int = 0, unit: str = "") -> dict:
    return {"name": name, "type": kind, "yAxisIndex": axis, "unit": unit,
            "data": [_number(v) for v in values]}


def chart(title: str, labels: list[str], *all_series: dict, axes: tuple[str, ...] = ("",),
          percent_axis: int | None = None) -> dict:
    """One chart: its title (also its description for screen readers), the category
    labels, the series, and each value axis's name (a percentage axis runs to 100)."""
    return {"title": title, "labels": labels, "series": list(all_series),
            "axes": [{"name": name, "max": 100 if i == percent_axis else None}
                     for i, name in enumerate(axes)]}
