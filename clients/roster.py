"""Roster import (名册导入): the .xlsx rosters the assistance system exports.

One row per person: name, ID number, category, subtype, town, village, phone, address. The
check gives every row a verdict (new / unchanged / updated / error with the reasons); the
commit writes nothing unless every row passes, then writes the whole file in one
transaction, in bulk. Importing the same file again finds every row unchanged.
"""

import contextlib
import csv
import datetime
import io
import itertools
import operator
import re
import time
import zipfile
import zlib
from collections import defaultdict, namedtuple
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import NotSupportedError, connections, router, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.validators import CONTROL_CHARACTERS
from portal.xlsx import Column
from stations.models import Station

from . import idnumbers
from .choices import CATEGORY_SUBTYPES, Category, DisabilityType, Subtype
from .models import CategoryMembership, Client, name_keys

FIELDS = ["name", "id_number", "category", "subtype", "town", "village", "phone", "address"]
REQUIRED = ["name", "id_number", "category", "town"]
HEADERS = {
    "name": {"姓名", "name", "名字", "对象姓名"},
    "id_number": {"身份证号", "身份证号码", "证件号码", "公民身份号码", "id number", "id_number"},
    "category": {"类别", "救助类别", "对象类别", "人员类别", "category"},
    "subtype": {"子类", "类型", "子类别", "供养方式", "subtype"},
    "town": {"乡镇", "乡镇(街道)", "乡镇（街道）", "镇(街道)", "镇（街道）", "街道", "town"},
    "village": {"村", "村(社区)", "村（社区）", "村居", "社区", "village"},
    "phone": {"电话", "联系电话", "手机", "手机号", "phone"},
    "address": {"地址", "住址", "家庭住址", "address"},
}
CATEGORY_NAMES = {
    "低保": Category.SUBSISTENCE_ALLOWANCE, "最低生活保障": Category.SUBSISTENCE_ALLOWANCE,
    "城市低保": Category.SUBSISTENCE_ALLOWANCE, "农村低保": Category.SUBSISTENCE_ALLOWANCE,
    "特困": Category.EXTREME_POVERTY, "特困人员": Category.EXTREME_POVERTY, "特困供养": Category.EXTREME_POVERTY,
    "困境儿童": Category.CHILDREN_IN_DISTRESS, "残疾人": Category.DISABILITY, "残疾": Category.DISABILITY,
    "留守老人": Category.LEFT_BEHIND_ELDERLY, "空巢老人": Category.EMPTY_NEST_ELDERLY,
    "其他": Category.OTHER, "其他困难群体": Category.OTHER, "其他困难群众": Category.OTHER,
    **{code.value: code for code in Category},
}
SUBTYPE_NAMES = {
    "城市": Subtype.URBAN, "城市低保": Subtype.URBAN, "农村": Subtype.RURAL, "农村低保": Subtype.RURAL,
    "分散": Subtype.DISPERSED, "分散供养": Subtype.DISPERSED, "集中": Subtype.CENTRALISED,
    "集中供养": Subtype.CENTRALISED, "孤儿": Subtype.ORPHAN, "事实无人抚养": Subtype.UNSUPPORTED,
    "事实无人抚养儿童": Subtype.UNSUPPORTED, "重病重残": Subtype.ILL_OR_DISABLED, "其他": Subtype.OTHER,
    **{code.value: code for code in Subtype},
}
DISABILITY_NAMES = {
    "视力": DisabilityType.VISUAL, "听力": DisabilityType.HEARING, "言语": DisabilityType.SPEECH,
    "肢体": DisabilityType.PHYSICAL, "智力": DisabilityType.INTELLECTUAL, "精神": DisabilityType.MENTAL,
    "多重": DisabilityType.MULTIPLE,
}
GRADE_NAMES = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
REQUIRED_LABELS = {"name": _("full name"), "id_number": _("ID number"), "category": _("category"), "town": _("town")}
PHONE_RE = re.compile(r"^[0-9][0-9-]{6,19}$")


class RosterFileError(ValidationError):
    """The file as a whole cannot be read (not .xlsx, empty, too big)."""


@dataclass
class RowVerdict:
    row: int  # the spreadsheet row number
    values: dict
    verdict: str = "new"  # new / unchanged / updated / error
    errors: list = field(default_factory=list)
    changes: list = field(default_factory=list)

    @property
    def masked_id(self):
        return idnumbers.mask(self.values.get("id_number", ""))

    def as_dict(self):
        return {"row": self.row, "values": self.values, "verdict": self.verdict, "errors": self.errors,
                "changes": self.changes}


@dataclass
class RosterResult:
    rows: list
    committed: bool = False
    seconds: float = 0.0

    @property
    def counts(self):
        counts = {"new": 0, "unchanged": 0, "updated": 0, "error": 0}
        for row in self.rows:
            counts[row.verdict] += 1
        return counts

    @property
    def errors(self):
        return [row for row in self.rows if row.verdict == "error"]

    @property
    def ok(self):
        return not self.errors and bool(self.rows)


VERDICT_LABELS = {"new": _("new"), "unchanged": _("unchanged"), "updated": _("updated"), "error": _("error")}
# Rows of the sheet are RowVerdict.as_dict() with the values merged in (see sheet_rows).
ERROR_SHEET_COLUMNS = [
    Column(_("row"), operator.itemgetter("row"), 6),
    *[Column(label, operator.itemgetter(key), width)
      for key, label, width in [
          ("name", _("full name"), 10), ("id_number", _("ID number"), 22), ("category", _("category"), 10),
          ("subtype", _("subtype"), 10), ("town", _("town"), 10), ("village", _("village / community"), 12),
          ("phone", _("phone"), 14), ("address", _("address"), 24)]],
    Column(_("verdict"), lambda r: VERDICT_LABELS[r["verdict"]], 8),
    Column(_("what changes"), lambda r: "、".join(str(CHANGE_LABELS.get(c, c)) for c in r["changes"]), 16),
    Column(_("errors"), lambda r: "；".join(r["errors"]), 50),
]


CHANGE_LABELS = {"name": _("full name"), "phone": _("phone"), "address": _("address"), "village": _("village / community"),
                 "station": _("station"), "category": _("category"), "subtype": _("subtype")}


def sheet_rows(row_dicts):
    for row in row_dicts:
        yield {**row["values"], **row}


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # an ID or phone typed as a number
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value).strip()


_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"

# --- caps on an uploaded roster (SECURITY.md: "no file, however built, can take more than a
# bounded amount of memory or time") ---------------------------------------------------------
# Every cap is checked while the file is read: the zip members are decompressed 16 kB at a time
# and fed to the XML parser, and nothing larger than one row (or one shared string) is ever
# held before it has been checked. settings.ROSTER_LIMITS overrides any of them.
LIMITS = {
    "max_rows": 100_000,             # data rows of the sheet (README: "at most 100,000 rows")
    "max_columns": 64,               # the template has 8 columns; a cell right of column BL is refused
    "max_cells": 3_000_000,          # cells of the sheet, empty ones written out included
    "max_uncompressed": 256 * 1024 * 1024,  # bytes of all zip members together, counted while inflating
    "max_string": 32_767,            # characters of one cell's text (Excel's own limit)
    "max_shared_strings": 1_000_000,  # entries of the shared-string table
    "max_shared_chars": 20_000_000,  # characters of the shared-string table together
    "max_row_bytes": 1024 * 1024,    # XML bytes between two row ends (one row, or one shared string)
}
_CHUNK = 16 * 1024  # what iterparse reads; larger chunks parse slower
# What a preview keeps of each field (one character more than the model allows, so that the
# check can still say "too long"): the preview file of 100,000 rows stays bounded.
KEEP_CHARS = {"name": 31, "id_number": 40, "category": 40, "subtype": 40, "town": 40, "village": 61,
              "phone": 40, "address": 201}


def limits():
    return {**LIMITS, **getattr(settings, "ROSTER_LIMITS", {})}


def _too_big(message, code="too_big", **params):
    return RosterFileError(gettext(message) % params if params else gettext(message), code=code)


class _Inflated:
    """A zip member's stream that counts what it inflates: against the member's declared size
    (a header can lie) and against the budget of the whole archive."""

    def __init__(self, archive, info, budget):
        if info.file_size > budget["left"]:
            raise _too_big(gettext_noop("The workbook unpacks to more than %(max)s MB; it cannot be a roster."),
                           max=limits()["max_uncompressed"] // 1048576)
        self.stream, self.info, self.budget, self.read_bytes = archive.open(info), info, budget, 0

    def read(self, size=_CHUNK):
        data = self.stream.read(size)
        self.read_bytes += len(data)
        self.budget["left"] -= len(data)
        if self.read_bytes > self.info.file_size or self.budget["left"] < 0:
            raise _too_big(gettext_noop("The workbook unpacks to more than %(max)s MB; it cannot be a roster."),
                           max=limits()["max_uncompressed"] // 1048576)
        return data

    def close(self):
        self.stream.close()


def _member(archive, name, budget):
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    return _Inflated(archive, info, budget)


def _events(stream, watch, cap):
    """Lists of (event, element) end events of an XML stream fed 16 kB at a time, one list per
    chunk. ``watch`` is the tag whose end resets the byte count: more than ``cap`` bytes without
    one is refused (one row, one shared string, never a whole sheet held as one element)."""
    parser = ElementTree.XMLPullParser(events=("end",))
    since = 0
    try:
        while True:
            data = stream.read(_CHUNK)
            if not data:
                break
            parser.feed(data)
            since += len(data)
            events = list(parser.read_events())
            if any(element.tag == watch for _event, element in events):
                since = 0
            yield events
            if since > cap:
                raise _too_big(gettext_noop("A row or text of the workbook is larger than %(max)s kB (a cell holds "
                                            "at most 32,767 characters)."), max=cap // 1024)
        parser.close()
        yield list(parser.read_events())
    finally:
        stream.close()


def _first_sheet_path(archive, budget):
    def read(name):
        stream = _member(archive, name, budget)
        if stream is None:
            raise KeyError(name)
        with contextlib.closing(stream):
            return b"".join(iter(lambda: stream.read(_CHUNK), b""))

    try:
        for name in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
            if archive.getinfo(name).file_size > 4 * 1024 * 1024:
                raise _too_big(gettext_noop("The workbook's %(part)s is larger than %(max)s kB."),
                               part=name, max=4096)
        workbook = ElementTree.fromstring(read("xl/workbook.xml"))
        rels = ElementTree.fromstring(read("xl/_rels/workbook.xml.rels"))
        rel_id = workbook.find(f"{_NS}sheets/{_NS}sheet").get(f"{_REL_NS}id")
        target = next(r.get("Target") for r in rels if r.get("Id") == rel_id)
    except (KeyError, AttributeError, StopIteration, ElementTree.ParseError):
        return "xl/worksheets/sheet1.xml"
    target = target.lstrip("/")
    return target if target.startswith("xl/") else f"xl/{target}"


_SI = f"{_NS}si"


def _shared_strings(archive, budget, caps):
    stream = _member(archive, "xl/sharedStrings.xml", budget)
    if stream is None:
        return []
    strings, chars = [], 0
    max_string, max_count, max_chars = caps["max_string"], caps["max_shared_strings"], caps["max_shared_chars"]
    for _event, element in itertools.chain.from_iterable(_events(stream, _SI, caps["max_row_bytes"])):
        if element.tag != _SI:
            continue
        text = "".join(t.text or "" for t in element.iter(_T))
        if len(text) > max_string:
            raise _too_big(gettext_noop("A text of the workbook is longer than %(max)s characters."),
                           max=f"{max_string:,}")
        chars += len(text)
        strings.append(text)
        if len(strings) > max_count or chars > max_chars:
            raise _too_big(gettext_noop("The workbook holds more text than a roster of %(rows)s rows can."),
                           rows=caps["max_rows"])
        element.clear()  # an empty element stays in the table's: bounded by max_shared_strings
    return strings


def _column_index(reference):
    index = 0
    for char in reference:
        if not char.isalpha():
            break
        index = index * 26 + ord(char.upper()) - 64
    return index - 1


def _column_letters(index):
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


_C, _ROW, _V, _T, _IS = f"{_NS}c", f"{_NS}row", f"{_NS}v", f"{_NS}t", f"{_NS}is"


def _xlsx_rows(data, caps=None):
    """Cell texts of the first sheet, row by row, streamed from the XML.

    A roster is plain text and numbers, so reading the sheet XML directly is enough, and
    several times faster than building openpyxl cells (the import must reach thousands of
    rows per second). A cell is read when its element ends; the row's element is then cleared
    with its cells. Every cap
    of ``limits()`` is checked as the XML arrives."""
    caps = caps or limits()
    archive = zipfile.ZipFile(io.BytesIO(data))
    budget = {"left": caps["max_uncompressed"]}
    declared = sum(info.file_size for info in archive.infolist())
    if declared > caps["max_uncompressed"]:
        raise _too_big(gettext_noop("The workbook unpacks to more than %(max)s MB; it cannot be a roster."),
                       max=caps["max_uncompressed"] // 1048576)
    shared = _shared_strings(archive, budget, caps)
    sheet = _member(archive, _first_sheet_path(archive, budget), budget)
    if sheet is None:
        raise KeyError("sheet")
    max_columns, max_string, max_cells = caps["max_columns"], caps["max_string"], caps["max_cells"]
    max_row_elements = caps["max_rows"] + 1000  # the header and some empty rows
    columns = {}  # "AB" -> 27: the column letters of a reference, computed once per column
    row_number, rows_seen, cell_count, cells = 0, 0, 0, {}
    for _event, element in itertools.chain.from_iterable(_events(sheet, _ROW, caps["max_row_bytes"])):
        tag = element.tag
        if tag == _C:
            kind = element.get("t")
            if kind == "inlineStr":
                inline = element.find(_IS)
                if (inline is not None and len(element) == 1 and len(inline) == 1 and inline[0].tag == _T
                        and not len(inline[0])):
                    value = inline[0].text or ""  # <is><t>text</t></is>, the usual shape
                else:
                    value = "".join(t.text or "" for t in element.iter(_T))  # rich text runs
                if len(value) > max_string:
                    raise _too_big(gettext_noop("A text of the workbook is longer than %(max)s characters."),
                                   max=f"{max_string:,}")
            else:
                v = element.find(_V)
                value = v.text if v is not None and v.text is not None else ""
                if kind == "s" and value:
                    value = shared[int(value)]
                elif kind in (None, "n") and value:
                    if len(value) > 64:
                        raise ValueError("not a number")
                    number = float(value)
                    value = int(number) if number.is_integer() else number
                elif len(value) > max_string:
                    raise _too_big(gettext_noop("A text of the workbook is longer than %(max)s characters."),
                                   max=f"{max_string:,}")
            reference = element.get("r")
            if reference:
                letters = reference.rstrip("0123456789")
                column = columns.get(letters)
                if column is None:
                    if len(letters) > 3:
                        raise ValueError("not a cell reference")
                    column = columns[letters] = _column_index(letters)
            else:
                column = len(cells)
            if column >= max_columns:
                raise _too_big(gettext_noop("The sheet has a cell at column %(column)s; a roster has at most "
                                            "%(max)s columns (up to column %(last)s)."),
                               column=_column_letters(column), max=max_columns, last=_column_letters(max_columns - 1))
            cell_count += 1
            if cell_count > max_cells:
                raise _too_big(gettext_noop("The sheet has more than %(max)s cells."), max=max_cells)
            cells[column] = value
        elif tag == _ROW:
            rows_seen += 1
            if rows_seen > max_row_elements:
                raise _too_many_rows(caps)
            row_number = int(element.get("r") or row_number + 1)
            width = max(cells) + 1 if cells else 0
            yield row_number, [cells.get(i) for i in range(width)]
            cells = {}
            element.clear()  # the emptied row stays in the sheet's element: bounded by the row cap


def _too_many_rows(caps):
    return _too_big(gettext_noop("The roster has more than %(max)s rows; split it into several files."),
                    code="rows", max=f"{caps['max_rows']:,}")


def import_dir():
    """Where uploaded rosters wait between the check and the commit (``<user>-<token>.xlsx``, and
    the verdicts as ``.json``)."""
    path = Path(settings.MEDIA_ROOT) / "roster-imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


class StoredFile:
    """A stored upload read like an uploaded file (``name``, ``size``, ``read``)."""

    def __init__(self, path):
        self.path, self.name, self.size = path, path.name, path.stat().st_size

    def read(self, size=-1):
        with self.path.open("rb") as stream:
            return stream.read(size)


def preview_ttl_seconds():
    return float(getattr(settings, "ROSTER_PREVIEW_TTL_HOURS", 24)) * 3600


def preview_expired(path, now=None):
    """Whether a stored preview (the uploaded file or its verdicts, which hold full ID numbers)
    is older than settings.ROSTER_PREVIEW_TTL_HOURS."""
    try:
        modified = path.stat().st_mtime
    except FileNotFoundError:
        return True
    return (now or time.time()) - modified > preview_ttl_seconds()


def purge_previews(folder, *, everything=False):
    """Deletes the uploaded rosters and verdict files of ``folder`` that were never committed and
    are older than the time-to-live (all of them with ``everything``); returns how many."""
    now, removed = time.time(), 0
    if not folder.exists():
        return 0
    for path in folder.iterdir():
        if path.suffix in (".xlsx", ".json", ".tmp") and (everything or preview_expired(path, now)):
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def read_rows(file):
    """[(row number, {field: text})] from an uploaded .xlsx; RosterFileError if unreadable."""
    name = getattr(file, "name", "") or ""
    size = getattr(file, "size", None)
    if not name.lower().endswith(".xlsx"):
        raise RosterFileError(_("Upload the roster as an Excel .xlsx file."), code="type")
    if size is not None and size > settings.MAX_UPLOAD_SIZE:
        raise RosterFileError(
            gettext("The file is too big (%(size)s MB; at most %(max)s MB).")
            % {"size": round(size / 1048576, 1), "max": settings.MAX_UPLOAD_SIZE // 1048576}, code="size")
    if size == 0:
        raise RosterFileError(_("The file is empty."), code="empty")
    caps = limits()
    data = file.read(settings.MAX_UPLOAD_SIZE + 1)
    if len(data) > settings.MAX_UPLOAD_SIZE:
        raise RosterFileError(
            gettext("The file is too big (%(size)s MB; at most %(max)s MB).")
            % {"size": round(len(data) / 1048576, 1), "max": settings.MAX_UPLOAD_SIZE // 1048576}, code="size")
    rows = []
    mapping = None
    max_rows = caps["max_rows"]
    try:
        for number, raw in _xlsx_rows(data, caps):
            texts = [value.strip() if type(value) is str else _cell_text(value) for value in raw]
            if not any(texts):
                continue
            if mapping is None:
                mapping = _header_mapping(texts)
                if mapping is not None:
                    mapping = [(index, key, KEEP_CHARS[key]) for index, key in mapping.items()]
                    continue  # the header row
                mapping = [(index, key, KEEP_CHARS[key]) for index, key in enumerate(FIELDS)]
            if len(rows) >= max_rows:
                raise _too_many_rows(caps)
            width = len(texts)
            rows.append((number, {key: texts[index][:keep] if index < width else "" for index, key, keep in mapping}))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, ValueError, IndexError, EOFError,
            NotImplementedError, RuntimeError, zlib.error, ElementTree.ParseError) as error:  # RuntimeError: an encrypted member
        raise RosterFileError(_("The file is not a readable .xlsx workbook."), code="type") from error
    if not rows:
        raise RosterFileError(_("The roster has no data rows."), code="empty")
    return rows


def _header_mapping(texts):
    mapping = {}
    for index, text in enumerate(texts):
        label = text.replace(" ", "").lower()
        for key, names in HEADERS.items():
            if label in {n.lower() for n in names} and key not in mapping.values():
                mapping[index] = key
    if len(mapping) < 3:
        return None
    for key in FIELDS:
        if key not in mapping.values():
            mapping[len(texts) + FIELDS.index(key) + 100] = key  # absent column: always empty
    return mapping


def _parse_disability(text):
    """'肢体二级' / '肢体 2级' -> (type, grade)."""
    kind = next((code for name, code in DISABILITY_NAMES.items() if name in text), "")
    grade = next((value for name, value in GRADE_NAMES.items() if f"{name}级" in text.replace(" ", "")), None)
    return kind, grade


class _Context:
    def __init__(self, user):
        self.user = user
        stations = Station.objects.visible_to(user).select_related("town")
        self.towns = {}
        for station in stations:
            for key in {station.town.name, station.name, station.short_name,
                        station.town.name.removesuffix("街道").removesuffix("镇")}:
                self.towns[key] = station
        self.visible_station_ids = {s.pk for s in stations}
        self.today = timezone.localdate()


def _check_row(verdict, context, seen):
    values = verdict.values
    errors = verdict.errors
    for key in REQUIRED:
        if not values.get(key):
            errors.append(gettext("Missing %(field)s.") % {"field": REQUIRED_LABELS[key]})
    number = None
    if values.get("id_number"):
        try:
            number = idnumbers.normalise(values["id_number"])
        except ValidationError as error:
            errors.extend(error.messages)
        else:
            values["id_number"] = number
            if number in seen:
                errors.append(gettext("Duplicate in this file: same ID number as row %(row)s.") % {"row": seen[number]})
            else:
                seen[number] = verdict.row
    station = None
    if values.get("town"):
        station = context.towns.get(values["town"])
        if station is None:
            errors.append(gettext("Unknown town: %(town)s.") % {"town": values["town"]})
    category = subtype = disability_type = ""
    grade = None
    if values.get("category"):
        category = CATEGORY_NAMES.get(values["category"].replace(" ", ""))
        if category is None:
            errors.append(gettext("Unknown category: %(category)s.") % {"category": values["category"]})
    sub_text = values.get("subtype", "").replace(" ", "")
    if category == Category.DISABILITY:
        disability_type, grade = _parse_disability(sub_text)
        if not disability_type or not grade:
            errors.append(gettext("For the disability category give the type and grade as subtype, e.g. 肢体二级."))
    elif category and sub_text:
        subtype = SUBTYPE_NAMES.get(sub_text)
        if subtype is None or subtype not in CATEGORY_SUBTYPES.get(category, []):
            errors.append(gettext("The subtype %(subtype)s does not belong to the category.") % {"subtype": sub_text})
    if category == Category.SUBSISTENCE_ALLOWANCE and not subtype:
        name = values["category"].replace(" ", "")
        subtype = Subtype.URBAN if name.startswith("城市") else Subtype.RURAL if name.startswith("农村") else ""
    if category == Category.CHILDREN_IN_DISTRESS and number:
        born = idnumbers.birth_date(number)
        if _age(born, context.today) >= 18:
            errors.append(gettext("Child category on an adult: this person is 18 or older."))
    phone = values.get("phone", "")
    if phone and not PHONE_RE.match(phone):
        errors.append(gettext("The phone number may contain digits and dashes only."))
    if len(values.get("name", "")) > 30:
        errors.append(gettext("The name is longer than 30 characters."))
    if any(CONTROL_CHARACTERS.search(text) for text in values.values() if text):
        errors.append(gettext("A cell holds a control character; remove it."))
    for key, most in (("village", 60), ("address", 200)):
        if len(values.get(key, "")) > most:
            errors.append(gettext("%(field)s: at most %(max)s characters.") % {"field": CHANGE_LABELS[key], "max": most})
    verdict.parsed = {"id_number": number, "station": station, "category": category, "subtype": subtype or "",
                      "disability_type": disability_type, "disability_grade": grade}


def _age(born, day):
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


# The people a roster already names and their open memberships, as plain tuples.
_Person = namedtuple("_Person", "pk id_number name phone address village station_id status")
_Membership = namedtuple("_Membership", "pk client_id category subtype disability_type disability_grade")


def _existing(numbers):
    """({id number: _Person}, {(client id, category): its latest open _Membership}), in one
    query for the people and one for their open memberships on PostgreSQL (per 900 ID numbers on
    SQLite): plain SQL, no queryset or model instance per row."""
    connection = connections[router.db_for_read(Client)]
    quote = connection.ops.quote_name

    def column(model, name):
        return quote(model._meta.pk.column if name == "pk" else model._meta.get_field(name).column)

    people = ", ".join(column(Client, name) for name in _Person._fields)
    existing, memberships = {}, {}
    with connection.cursor() as cursor:
        for condition, params in _in_chunks(connection, numbers):
            cursor.execute(f"SELECT {people} FROM {quote(Client._meta.db_table)} "
                           f"WHERE {column(Client, 'id_number')} {condition}", params)
            for row in cursor.fetchall():
                existing[row[1]] = _Person(*row)
        columns = ", ".join(column(CategoryMembership, name) for name in _Membership._fields)
        for condition, params in _in_chunks(connection, [person.pk for person in existing.values()]):
            cursor.execute(f"SELECT {columns} FROM {quote(CategoryMembership._meta.db_table)} "
                           f"WHERE {column(CategoryMembership, 'end_on')} IS NULL "
                           f"AND {column(CategoryMembership, 'client')} {condition} "
                           f"ORDER BY {column(CategoryMembership, 'start_on')} DESC, "
                           f"{column(CategoryMembership, 'pk')} DESC", params)
            for row in cursor.fetchall():
                membership = _Membership(*row)
                memberships.setdefault((membership.client_id, membership.category), membership)
    return existing, memberships


def _settle(verdicts, context):
    """Gives each checked row its verdict against the people already registered: new, unchanged,
    updated (with what changes) or error."""
    existing, memberships = _existing([v.parsed["id_number"] for v in verdicts if v.parsed["id_number"]])
    for verdict in verdicts:
        parsed = verdict.parsed
        client = existing.get(parsed["id_number"])
        verdict.client = client
        verdict.membership = None
        if client is None:
            if not verdict.errors:
                verdict.verdict = "new"
            else:
                verdict.verdict = "error"
            continue
        if client.station_id not in context.visible_station_ids:
            verdict.errors.append(gettext("This person is already registered at another station."))
        elif client.status != "active":
            verdict.errors.append(gettext("This person's record is closed; reopen it before importing."))
        if verdict.errors:
            verdict.verdict = "error"
            continue
        values = verdict.values
        changes = verdict.changes
        for key in ("name", "phone", "address", "village"):
            if values.get(key) and values[key] != getattr(client, key):
                changes.append(key)
        if parsed["station"] is not None and parsed["station"].pk != client.station_id:
            changes.append("station")
        membership = memberships.get((client.pk, parsed["category"]))
        verdict.membership = membership
        if membership is None:
            changes.append("category")
        elif (membership.subtype, membership.disability_type, membership.disability_grade) != (
            parsed["subtype"], parsed["disability_type"], parsed["disability_grade"]
        ):
            changes.append("subtype")
        verdict.verdict = "updated" if changes else "unchanged"


PROGRESS_EVERY = 2000  # rows between two progress reports of a background import (clients.jobs)


def check(rows, user, progress=None):
    """Verdicts for every row: each row checked on its own, then the people already registered
    read in two queries (on SQLite two per 900 rows) and compared. ``progress(done, total)``,
    if given, hears every PROGRESS_EVERY rows."""
    context = _Context(user)
    seen = {}
    verdicts = []
    total = len(rows)
    for index, (number, values) in enumerate(rows, 1):
        verdict = RowVerdict(row=number, values=dict(values))
        _check_row(verdict, context, seen)
        verdicts.append(verdict)
        if progress is not None and index % PROGRESS_EVERY == 0:
            progress(index, total)
    _settle(verdicts, context)
    return verdicts


# --- writing ---------------------------------------------------------------------------------
# The commit writes every table in bulk, with a number of queries that does not grow with the
# rows. New rows go in with COPY on PostgreSQL (ids reserved from the table's sequence in one
# query), with one executemany on SQLite (which holds the database's write lock, so the rows get
# consecutive ids ending at last_insert_rowid()); changed rows with one UPDATE ... FROM (VALUES
# ...) on PostgreSQL and one executemany on SQLite. The audit history is then copied from the
# written rows with one INSERT ... SELECT per table: every created or changed client and
# membership gets the row django-simple-history's bulk_create_with_history /
# bulk_update_with_history would have written (every tracked field, history_type "+" or "~",
# the importing user, one history_date for the whole import; the request's IP address where the
# history keeps one), with no model instance per row.


def _postgres(connection):
    return connection.vendor == "postgresql"


def _connection(model):
    connection = connections[router.db_for_write(model)]
    if connection.vendor not in ("postgresql", "sqlite"):
        raise NotSupportedError("The roster import writes to PostgreSQL or SQLite.")
    return connection


def _in_chunks(connection, values):
    """(SQL condition, params) pairs that together match a column against ``values``: one array
    on PostgreSQL, IN lists of at most 900 elsewhere (SQLite's 999 variables a query)."""
    values = list(values)
    if _postgres(connection):
        if values:
            yield "= ANY(%s)", [values]
        return
    for start in range(0, len(values), 900):
        chunk = values[start:start + 900]
        yield f"IN ({', '.join(['%s'] * len(chunk))})", chunk


def _fields(model, attnames):
    return [model._meta.pk if name == "id" else model._meta.get_field(name) for name in attnames]


def _prepared(connection, fields, rows):
    """The rows' values as Django would send them to the database (SQLite's executemany)."""
    return [tuple(f.get_db_prep_save(value, connection) for f, value in zip(fields, row, strict=True))
            for row in rows]


def _copy_from_rows(connection, model, attnames, rows):
    """COPY ``rows`` (tuples of Python values in ``attnames`` order) into the model's table.

    CSV through the C writer with every non-number quoted, so "" stays an empty string; None goes
    out as "" too, and FORCE_NULL makes it NULL in the nullable columns, none of which is text."""
    meta = model._meta
    quote = connection.ops.quote_name
    fields = _fields(model, attnames)
    nulls = []
    for f in fields:
        if f.null:
            if f.get_internal_type() in ("CharField", "TextField", "SlugField", "EmailField"):
                raise ValueError(f"{meta.label}.{f.name}: a nullable text column cannot go through this COPY")
            nulls.append(quote(f.column))
    force = f", FORCE_NULL ({', '.join(nulls)})" if nulls else ""
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n").writerows(rows)
    size = buffer.tell()
    buffer.seek(0)
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.copy_expert(  # read in one piece rather than 8 kB at a time
            f"COPY {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
            f"FROM STDIN WITH (FORMAT csv{force})", buffer, max(size, 8192))


def _insert(model, attnames, rows):
    """Inserts ``rows`` (tuples of attribute values in ``attnames`` order); returns their ids in
    the same order."""
    if not rows:
        return []
    connection = _connection(model)
    meta, quote = model._meta, connection.ops.quote_name
    with connection.cursor() as cursor:
        if _postgres(connection):
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [meta.db_table, meta.pk.column, len(rows)])
            ids = [row[0] for row in cursor.fetchall()]
            _copy_from_rows(connection, model, ["id", *attnames],
                            [(pk, *row) for pk, row in zip(ids, rows, strict=True)])
            return ids
        fields = _fields(model, attnames)
        cursor.executemany(
            f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
            f"VALUES ({', '.join(['%s'] * len(fields))})", _prepared(connection, fields, rows))
        cursor.execute("SELECT last_insert_rowid()")
        last = cursor.fetchone()[0]
    return list(range(last - len(rows) + 1, last + 1))


def _update(model, attnames, rows):
    """Sets ``attnames`` of the rows given as (id, *values)."""
    if not rows:
        return
    connection = _connection(model)
    meta, quote = model._meta, connection.ops.quote_name
    fields = _fields(model, attnames)
    pk = quote(meta.pk.column)
    with connection.cursor() as cursor:
        if _postgres(connection):
            # Text values come as untyped literals and are assigned as text (too long still fails);
            # the others are cast, so that a column of NULLs is not taken for text.
            sets = ", ".join(
                f"{quote(f.column)} = v.{quote(f.column)}" if f.get_internal_type() in ("CharField", "TextField")
                else f"{quote(f.column)} = CAST(v.{quote(f.column)} AS {f.db_type(connection)})" for f in fields)
            marks = f"({', '.join(['%s'] * (len(fields) + 1))})"
            cursor.execute(
                f"UPDATE {quote(meta.db_table)} AS t SET {sets} FROM (VALUES {', '.join([marks] * len(rows))}) "
                f"AS v({pk}, {', '.join(quote(f.column) for f in fields)}) WHERE t.{pk} = v.{pk}",
                [value for row in rows for value in row])
            return
        cursor.executemany(
            f"UPDATE {quote(meta.db_table)} SET {', '.join(f'{quote(f.column)} = %s' for f in fields)} "
            f"WHERE {pk} = %s",
            [(*values, row_pk) for row_pk, *values in _prepared(connection, [meta.pk, *fields], rows)])


def _request_ip():
    request = getattr(HistoricalRecords.context, "request", None)
    return (request.META.get("REMOTE_ADDR") or None) if request is not None else None


def _write_history(model, ids, history_type, user, when):
    """One history row per id, copied from the row as it is now in the database."""
    if not ids or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    history_model = model.history.model
    connection = _connection(history_model)
    quote = connection.ops.quote_name
    source_columns = {f.attname: f.column for f in model._meta.concrete_fields}
    given = {"history_date": connection.ops.adapt_datetimefield_value(when), "history_type": history_type,
             "history_user_id": getattr(user, "pk", None), "history_change_reason": None,
             # AuditHistory's column (portal.history): the address the import came from, as its
             # signal gives a row saved one by one (simple-history's bulk writes send no signal)
             "ip_address": _request_ip()}
    targets, selects, params = [], [], []
    for f in history_model._meta.concrete_fields:
        if f.attname == "history_id":
            continue
        targets.append(quote(f.column))
        if f.attname in source_columns:
            selects.append(quote(source_columns[f.attname]))
        elif f.attname in given:
            selects.append("%s")
            params.append(given[f.attname])
        elif f.null:
            selects.append("NULL")
        else:
            raise ValueError(f"history column {f.column} of {history_model.__name__} has no source")
    sql = (f"INSERT INTO {quote(history_model._meta.db_table)} ({', '.join(targets)}) "
           f"SELECT {', '.join(selects)} FROM {quote(model._meta.db_table)} WHERE {quote(model._meta.pk.column)} ")
    with connection.cursor() as cursor:
        for condition, id_params in _in_chunks(connection, ids):
            cursor.execute(sql + condition + f" ORDER BY {quote(model._meta.pk.column)}", [*params, *id_params])


def _defaults(model, now):
    """Every concrete field's value for a new row that does not set it (auto_now fields: now)."""
    values = {}
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            values[f.attname] = now
        else:
            values[f.attname] = f.get_default()
    return values


CLIENT_ROW = ["station_id", "name", "name_pinyin", "name_initials", "id_number", "gender", "birth_date",
              "phone", "address", "village", "worker_id"]
MEMBERSHIP_ROW = ["client_id", "station_id", "category", "subtype", "disability_type", "disability_grade"]
CLIENT_CHANGES = ["name", "name_pinyin", "name_initials", "phone", "address", "village", "station_id"]


def _write(verdicts, user, today):
    """Writes every new and updated row in bulk, with audit history."""
    now = timezone.now()  # created_at / updated_at and history_date of the whole import
    staff = getattr(user, "staff", None)
    staff_pk = staff.pk if staff is not None else None
    staff_station = staff.station_id if staff is not None else None

    # A new row: the columns the roster gives, then every other column at its default.
    defaults = _defaults(Client, now)
    defaults.update(registered_on=today, next_visit_due=today)
    client_columns = [*CLIENT_ROW, *(name for name in defaults if name not in CLIENT_ROW)]
    client_fixed = tuple(defaults[name] for name in client_columns[len(CLIENT_ROW):])
    defaults = _defaults(CategoryMembership, now)
    defaults.update(start_on=today)
    membership_columns = [*MEMBERSHIP_ROW, *(name for name in defaults if name not in MEMBERSHIP_ROW)]
    membership_fixed = tuple(defaults[name] for name in membership_columns[len(MEMBERSHIP_ROW):])

    client_rows, new_verdicts = [], []
    for verdict in verdicts:
        if verdict.verdict != "new":
            continue
        values, parsed = verdict.values, verdict.parsed
        number = parsed["id_number"]
        station_id = parsed["station"].pk
        client_rows.append((
            station_id, values["name"], *name_keys(values["name"]), number,
            idnumbers.gender(number), idnumbers.birth_date(number),
            values.get("phone", ""), values.get("address", ""), values.get("village", ""),
            staff_pk if staff_station is not None and staff_station == station_id else None,
            *client_fixed,
        ))
        new_verdicts.append(verdict)
    new_ids = _insert(Client, client_columns, client_rows)
    _write_history(Client, new_ids, "+", user, now)

    def membership_row(client_id, station_id, parsed):
        return (client_id, station_id, parsed["category"], parsed["subtype"], parsed["disability_type"],
                parsed["disability_grade"], *membership_fixed)

    membership_rows = [membership_row(pk, verdict.parsed["station"].pk, verdict.parsed)
                       for pk, verdict in zip(new_ids, new_verdicts, strict=True)]
    changed_clients, changed_memberships = [], []
    moved = defaultdict(list)  # station id: the people moved to it (their memberships follow)
    for verdict in verdicts:
        if verdict.verdict != "updated":
            continue
        parsed, person = verdict.parsed, verdict.client
        changes = verdict.changes
        station_id = parsed["station"].pk if "station" in changes else person.station_id
        if {"name", "phone", "address", "village", "station"} & set(changes):
            current = {key: verdict.values[key] if key in changes else getattr(person, key)
                       for key in ("name", "phone", "address", "village")}
            changed_clients.append((
                person.pk, current["name"], *name_keys(current["name"]), current["phone"], current["address"],
                current["village"], station_id,
            ))
            if station_id != person.station_id:
                moved[station_id].append(person.pk)
        if "category" in changes:
            membership_rows.append(membership_row(person.pk, station_id, parsed))
        elif "subtype" in changes:
            changed_memberships.append((verdict.membership.pk, parsed["subtype"], parsed["disability_type"],
                                        parsed["disability_grade"]))
    _update(Client, CLIENT_CHANGES, changed_clients)
    _write_history(Client, [row[0] for row in changed_clients], "~", user, now)
    for station_id, people in moved.items():  # as Client.save does for one person
        CategoryMembership.objects.filter(client_id__in=people).update(station_id=station_id)
    new_membership_ids = _insert(CategoryMembership, membership_columns, membership_rows)
    _write_history(CategoryMembership, new_membership_ids, "+", user, now)
    _update(CategoryMembership, ["subtype", "disability_type", "disability_grade"], changed_memberships)
    _write_history(CategoryMembership, [row[0] for row in changed_memberships], "~", user, now)


def commit_rows(rows, user):
    """Check and, if every row passes, write ``rows`` — inside the caller's transaction, which
    must be open (all or nothing). Returns the RosterResult."""
    verdicts = check(rows, user)
    result = RosterResult(rows=verdicts)
    if result.ok:
        _write(verdicts, user, timezone.localdate())
        result.committed = True
    return result


def run(*, user, file, commit):
    started = timezone.now()
    rows = read_rows(file)
    if commit:
        with transaction.atomic():
            result = commit_rows(rows, user)
    else:
        result = RosterResult(rows=check(rows, user))
    result.seconds = (timezone.now() - started).total_seconds()
    return result
