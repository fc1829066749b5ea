"""Writing .xlsx files: one column declaration per list, formula-safe cells, text ID numbers.

Lists export through ``ObjectListView`` with ``?export=xlsx``; reports build their
workbooks with the same helpers.
"""

import datetime
import decimal
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from django.utils.encoding import force_str
from django.utils.translation import get_language
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
EXCEL_MAX_ROWS = 1_048_576
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


@dataclass(frozen=True)
class Column:
    """One exported column: a header and how to read the value from a row object."""

    header: Any
    accessor: Any  # attribute path "station.name" or a callable(row)
    width: int = 14

    def value(self, row):
        if callable(self.accessor):
            return self.accessor(row)
        value = row
        for part in self.accessor.split("."):
            if part.startswith("get_") and part.endswith("_display") and hasattr(value, "_meta"):
                value = _choice_label(value, part[4:-8])
                continue
            value = getattr(value, part, None)
            if value is None:
                return None
            if callable(value) and part.startswith("get_"):
                value = value()
        return value


_CHOICE_LABELS = {}


def choice_labels(model, field_name):
    """{value: label} of a model field's choices, translated into the active language once per
    language: Django's ``get_<field>_display`` rebuilds the choices dict and hashes every lazy
    label on each call, and a lazy label is looked up in the catalogue each time it is written
    (the bulk of a 50-row list page's translation calls)."""
    key = (model, field_name, get_language())
    labels = _CHOICE_LABELS.get(key)
    if labels is None:
        labels = _CHOICE_LABELS[key] = {
            value: str(label) for value, label in model._meta.get_field(field_name).flatchoices}
    return labels


def _choice_label(obj, field_name):
    """``obj.get_<field>_display()`` (``choice_labels``)."""
    value = getattr(obj, field_name)
    return choice_labels(type(obj), field_name).get(value, value)


def cell_value(value):
    """A value openpyxl may store: lazy strings forced, timezone-aware datetimes made local."""
    if value is None or isinstance(value, (int, float, decimal.Decimal, datetime.date)):
        if isinstance(value, datetime.datetime) and value.tzinfo is not None:
            from django.utils import timezone

            return timezone.localtime(value).replace(tzinfo=None)
        return value
    if isinstance(value, bool):
        return value
    return force_str(value)


def safe_cell(ws, value, **style):
    """A write-only cell that can never run as a formula: text starting with = + - @ stays text."""
    value = cell_value(value)
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    for key, val in style.items():
        setattr(cell, key, val)
    return cell


def safe_value(ws, value):
    """``safe_cell`` only where needed: a plain value (much cheaper to stream) unless it is text
    that could run as a formula. Used for the data rows of large write-only sheets."""
    value = cell_value(value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return safe_cell(ws, value)
    return value


# Values written to a sheet as they are: never a formula, nothing to convert.
PLAIN_TYPES = frozenset({int, float, decimal.Decimal, datetime.date, type(None)})


def write_sheet(wb, title, columns, rows):
    """Append a write-only sheet (and continuation sheets past Excel's row limit)."""
    part, count, ws = 1, 0, None
    # Per cell: the column's accessor called directly, and values of the common plain types
    # written as they are (a million-row export spends its time here: PERFORMANCE.md's 0.7x).
    readers = [column.accessor if callable(column.accessor) else column.value for column in columns]
    for row in rows:
        if ws is None or count >= EXCEL_MAX_ROWS - 1:
            ws = wb.create_sheet(title=title if part == 1 else f"{title} ({part})")
            ws.freeze_panes = "A2"
            for index, column in enumerate(columns):
                ws.column_dimensions[chr(65 + index) if index < 26 else "A" + chr(65 + index - 26)].width = column.width
            ws.append([safe_cell(ws, column.header, font=HEADER_FONT, fill=HEADER_FILL) for column in columns])
            part, count = part + 1, 0
        ws.append([value if value.__class__ in PLAIN_TYPES else safe_value(ws, value)
                   for value in [read(row) for read in readers]])
        count += 1
    if ws is None:  # an empty list still gets its header row
        ws = wb.create_sheet(title=title)
        ws.append([safe_cell(ws, column.header, font=HEADER_FONT, fill=HEADER_FILL) for column in columns])
    return wb


def xlsx_response(wb, filename):
    response = HttpResponse(content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    wb.save(response)
    return response


def list_workbook(title, columns, rows):
    wb = Workbook(write_only=True)
    return write_sheet(wb, title, columns, rows)
