"""A dashboard as a workbook (one sheet per table, and one of the definitions and the
filters) or as CSV (the tables one under the other), from the same tables the page
shows. XlsxWriter writes every text as text: formula and link conversion are off, so
a lab or market typed as "=HYPERLINK(...)" stays those characters."""
import codecs
import csv
import io
from decimal import Decimal

from blueprints.dashboards.tables import Table
from core.spreadsheets import inert


def _plain(value):
    """A cell as a spreadsheet takes it: numbers as numbers, words as str."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, int | float):
        return value
    return str(value)


def _header(column) -> str:
    return f"{column.label} ({column.unit})" if column.unit else str(column.label)


def write_xlsx(tables: list[Table], about_title: str, about: list[tuple[str, str]]) -> bytes:
    """`about`: (what, value) lines for the first sheet, named `about_title` (the
    filters, when the figures were computed, and the definitions)."""
    import xlsxwriter  # only where a workbook is written
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False,
                                     "strings_to_urls": False, "strings_to_numbers": False})
    bold = book.add_format({"bold": True})
    sheet = book.add_worksheet(_sheet_name(about_title, set()))
    names = {sheet.name}
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, 1, 90)
    for row, (what, value) in enumerate(about):
        sheet.write_string(row, 0, str(what), bold)
        sheet.write_string(row, 1, str(value))
    for table in tables:
        sheet = book.add_worksheet(_sheet_name(str(table.title), names))
        names.add(sheet.name)
        sheet.set_column(0, 0, 28)
        sheet.set_column(1, len(table.columns), 14)
        for col, column in enumerate(table.columns):
            sheet.write_string(0, col, _header(column), bold)
        for row, cells in enumerate(table.rows, start=1):
            for col, cell in enumerate(cells):
                value = _plain(cell)
                if isinstance(value, str):
                    sheet.write_string(row, col, value)
                else:
                    sheet.write_number(row, col, value)
    book.close()
    return out.getvalue()


def _sheet_name(title: str, taken: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique."""
    name = "".join(" " if c in "[]:*?/\\" else c for c in title)[:31] or "sheet"
    candidate, n = name, 2
    while candidate in taken:
        candidate = f"{name[:28]} {n}"
        n += 1
    return candidate


def write_csv(tables: list[Table], about_title: str, about: list[tuple[str, str]]) -> bytes:
    """UTF-8 with a BOM (so Excel reads the Chinese): the filters and definitions,
    then each table under its title, a blank line between."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([inert(about_title)])
    for what, value in about:
        writer.writerow([inert(str(what)), inert(str(value))])
    for table in tables:
        writer.writerow([])
        writer.writerow([inert(str(table.title))])
        writer.writerow([_header(c) for c in table.columns])
        for cells in table.rows:
            writer.writerow([inert(_plain(c)) for c in cells])
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")
