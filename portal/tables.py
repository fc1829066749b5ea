"""A list's table, declared once: the page's ``<table>``, its ``?export=xlsx`` workbook and the
background exports all take their columns from one ``Table``.

    class VisitTable(Table):
        empty_text = _("No records match.")
        columns = [
            Col(_("visit date"), "visited_on", link=DETAIL, fields=("visited_on",)),
            Col(_("station"), "station.short_name", phone=False, fields=("station__short_name",)),
            Col(_("needs"), "needs", page=False),                  # export only
            Col(_("status"), html=status_badge, export=False),     # page only, a badge
        ]

A column reads its value by an attribute path (``"station.short_name"``,
``"get_kind_display"``) or a callable (``callable(row)``, or ``callable(row, user)`` with
``user=True``). The page writes it escaped (``portal.html.text``), ``—`` when empty; ``link``
makes it a link (``DETAIL`` for ``get_absolute_url``, a URL name with ``arg`` the accessor of
its argument, or a callable giving the URL); ``html`` (a callable giving safe HTML) writes a
special cell such as a badge; ``note`` adds a small grey line under the value; ``format`` shapes the value for the page only
(e.g. an amount as 1,200.00 while the workbook keeps the number); ``phone=False``
hides the column below ``md`` (``d-none d-md-table-cell``), ``wide=True`` below ``lg``;
``title`` gives the cell a tooltip.
``fields`` are the model fields the cell reads (``()``: none beyond the primary key): when
every page column declares them, the page loads only those (``QuerySet.only``). ``export`` is the workbook's value (the cell's by default;
``False`` for page-only columns), ``page=False`` an export-only column. ``values`` (a
``values_list`` path) and ``convert`` let a background export read tuples instead of objects.

One renderer, written in Python (PERFORMANCE.md: 50 rows x 8 columns through template nodes
cost more than the page's SQL); ``tests/portal/test_tables.py`` checks that it writes what
``portal/table_reference.html``, the same table as a Django template, writes.
"""

import datetime
import decimal
from html import escape
from operator import attrgetter, itemgetter

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.dateformat import format as date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .html import text
from .urls import url_with_id
from .xlsx import Column


def DETAIL(row):  # noqa: N802 (reads as a constant: link=DETAIL)
    """``link=DETAIL``: the record's own page."""
    return row.get_absolute_url()


def display(value):
    """A value as a list page shows it: dates as 2024-01-02, times to the minute, numbers
    localised, empty as ``None``."""
    if value.__class__ is str:
        return value or None
    if value.__class__ is int and -1000 < value < 1000:
        return str(value)  # no grouping below 1,000 in any locale (localize: ~10 us a cell, most counts)
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = timezone.localtime(value)
        return date_format(value, "Y-m-d H:i")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (int, float, decimal.Decimal)) and not isinstance(value, bool):
        return formats.localize(value)
    return value


def _text(value):
    """``portal.html.text``, plain strings first (most cells)."""
    return escape(value) if value.__class__ is str else text(value)


def _path_reader(path):
    """A reader of an attribute path: ``attrgetter`` (C speed) where it can, ``Column.value``
    (``get_x_display`` labels, ``None`` part-way) otherwise."""
    slow = Column(None, path).value
    if any(part.startswith("get_") for part in path.split(".")):
        return slow
    fast = attrgetter(path)

    def read(row):
        try:
            return fast(row)
        except AttributeError:
            return slow(row)
    return read


HIDE = {"md": "d-none d-md-table-cell", "lg": "d-none d-lg-table-cell"}


class Col:
    """One column of a ``Table`` (see the module's docstring)."""

    def __init__(self, header, value=None, *, link=None, arg="pk", link_class="fw-semibold", html=None, note=None,
                 note_class="", phone=True, wide=False, end=False, classes="", fields=None, export=True, format=None,
                 export_header=None, page=True, width=14, empty="—", user=False, values=None, convert=None,
                 background=False, title=None):
        self.header = header
        self.accessor = value
        self.link, self.arg, self.link_class = link, arg, link_class
        self.html, self.note, self.note_class, self.format = html, note, note_class, format
        self.fields = None if fields is None else tuple(fields)
        self.export, self.export_header, self.page, self.width = export, export_header, page, width
        self.empty, self.user = empty, user
        self.values, self.convert, self.background = values, convert, background
        self.title = title
        visibility = HIDE["lg"] if wide else ("" if phone else HIDE["md"])
        self.th_class = " ".join(part for part in (visibility, "text-end" if end else "") if part)
        self.td_class = " ".join(part for part in (visibility, classes, "text-end" if end else "") if part)

    # -- reading -------------------------------------------------------------------------
    def value(self, row):
        """The column's value for a row (as ``portal.xlsx.Column.value``: detail pages list them)."""
        return self._reader(self.accessor, None)(row)

    def _reader(self, accessor, user):
        if accessor is None:
            return lambda row: None
        if callable(accessor):
            return (lambda row: accessor(row, user)) if self.user else accessor
        return _path_reader(accessor)

    def bind(self, user):
        """(value, url, html, note) readers for one user, each a callable(row) or None."""
        value = self._reader(self.accessor, user)
        if self.format is not None:
            read, shape = value, self.format

            def value(row):
                return shape(read(row))
        html = None if self.html is None else self._reader(self.html, user)
        note = None if self.note is None else self._reader(self.note, user)
        link = self.link
        if link is None:
            url = None
        elif callable(link):
            url = link
        else:
            arg = Column(None, self.arg).value
            def url(row):
                value = arg(row)
                return url_with_id(link, value) if value.__class__ is int else reverse(link, args=[value])
        return value, url, html, note

    def title_reader(self):
        """The reader of the cell's ``title`` attribute (a tooltip), or None."""
        return None if self.title is None else self._reader(self.title, None)

    def export_column(self, user):
        """This column as a ``portal.xlsx.Column``, or None when the workbook leaves it out."""
        accessor = self.accessor if self.export is True else self.export
        if self.export is False or accessor is None:
            return None
        if callable(accessor) and self.user:
            accessor = self._reader(accessor, user)
        return Column(self.export_header or self.header, accessor, self.width)


class Table:
    """A list's columns; ``Table(rows, user=user)`` renders as the page's ``<table>``."""

    columns: list = []
    empty_text = _("No records match.")
    classes = ""               # more classes on <table>, e.g. "table-sm"
    extra_fields = ()          # fields read beside the columns' (e.g. a foreign key the link needs)
    exportable = True          # False: the list has no ?export=xlsx
    row_class = None           # a method (self, row) giving the classes of a row's <tr>, e.g. "table-danger"

    def __init__(self, rows=(), *, user=None, **context):
        self.rows = rows
        self.user = user
        self.context = context  # what a table's get_columns needs beside the user (e.g. the page's campaign)

    def get_columns(self):
        return self.columns

    @classmethod
    def shown(cls):
        """The page's columns as declared (a detail page may list them as its rows)."""
        return [column for column in cls.columns if column.page]

    def page_columns(self):
        return [column for column in self.get_columns() if column.page]

    # -- the queryset ---------------------------------------------------------------------
    def only_fields(self):
        """The fields the page reads (for ``QuerySet.only``), or None when a column reads
        fields it does not name (the page then loads whole rows)."""
        columns = self.page_columns()
        if not columns or any(column.fields is None for column in columns):
            return None
        fields = dict.fromkeys(self.extra_fields)
        for column in columns:
            fields.update(dict.fromkeys(column.fields))
        return tuple(fields)

    # -- the workbooks --------------------------------------------------------------------
    def export_columns(self):
        """The ``?export=xlsx`` columns, in the declared order."""
        if not self.exportable:
            return []
        return [col for col in (column.export_column(self.user) for column in self.get_columns()) if col is not None]

    def values_columns(self):
        """(fields, columns) for a background export over ``values_list(*fields)`` tuples:
        the columns marked ``background=True``, in the declared order."""
        fields, columns = [], []
        for column in self.get_columns():
            if not column.background:
                continue
            if column.values not in fields:
                fields.append(column.values)
            get = itemgetter(fields.index(column.values))
            convert = column.convert
            if convert is None:
                reader = get
            elif column.user:
                def reader(row, get=get, convert=convert, user=self.user):
                    return convert(get(row), user)
            else:
                def reader(row, get=get, convert=convert):
                    return convert(get(row))
            columns.append(Column(column.export_header or column.header, reader, column.width))
        return tuple(fields), columns

    # -- the page --------------------------------------------------------------------------
    def header_cells(self):
        """(header, th class) per page column, for the reference template."""
        return [(column.header, column.th_class) for column in self.page_columns()]

    def cells(self):
        """Per row its class and, per page column, the cell's parts. For the reference
        template; the page uses ``render``."""
        bound = [(column, *column.bind(self.user)) for column in self.page_columns()]
        result = []
        for row in self.rows:
            cells = []
            for column, value, url, html, note in bound:
                shown = html(row) if html is not None else display(value(row))
                title = column.title_reader()
                cells.append({
                    "title": title(row) if title is not None else None,
                    "class": column.td_class, "text": column.empty if shown is None else shown,
                    "url": url(row) if url is not None else None, "link_class": column.link_class,
                    "note": display(note(row)) if note is not None else None, "note_class": column.note_class,
                })
            result.append({"class": self.row_class(row) if self.row_class else None, "cells": cells})
        return result

    def render(self):
        columns = self.page_columns()
        head = "".join(f'<th class="{column.th_class}">{text(column.header)}</th>' if column.th_class
                       else f"<th>{text(column.header)}</th>" for column in columns)
        parts = []
        for column in columns:
            value, url, html, note = column.bind(self.user)
            td = f'<td class="{column.td_class}"' if column.td_class else "<td"
            empty = text(column.empty)
            link_open = f' class="{column.link_class}">' if column.link_class else ">"
            note_open = f'<div class="small text-body-secondary {column.note_class}">' if column.note_class \
                else '<div class="small text-body-secondary">'
            parts.append((td, column.title_reader(), value, url, html, note, empty, link_open, note_open))
        body = []
        row_class = self.row_class
        for row in self.rows:
            cells = []
            for td, title, value, url, html, note, empty, link_open, note_open in parts:
                if html is not None:
                    shown = html(row)
                    content = empty if shown is None else _text(shown)
                else:
                    shown = display(value(row))
                    content = empty if shown is None else _text(shown)
                if url is not None:
                    href = url(row)
                    if href:
                        content = f'<a href="{_text(href)}"{link_open}{content}</a>'
                if note is not None:
                    shown = display(note(row))
                    if shown is not None:
                        content = f"{content}{note_open}{_text(shown)}</div>"
                if title is None:
                    cells.append(f"{td}>{content}</td>")
                else:
                    cells.append(f'{td} title="{_text(title(row))}">{content}</td>')
            classes = row_class(row) if row_class is not None else None
            tr = f'<tr class="{text(classes)}">' if classes else "<tr>"
            body.append(f"{tr}{''.join(cells)}</tr>")
        if not body:
            body.append(f'<tr><td colspan="{len(columns)}" class="text-center text-body-secondary py-4">'
                        f"{text(self.empty_text)}</td></tr>")
        table_class = f"table table-hover align-middle mb-0 {self.classes}" if self.classes \
            else "table table-hover align-middle mb-0"
        return mark_safe(
            f'<table class="{table_class}">\n<thead class="table-light"><tr>{head}</tr></thead>\n<tbody>\n'
            + "\n".join(body) + "\n</tbody>\n</table>")

    def __html__(self):
        return self.render()

    def __str__(self):
        return self.render()
