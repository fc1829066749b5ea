"""Roster import (名册导入): the .xlsx rosters the assistance system exports.

One row per person: name, ID number, category, subtype, town, village, phone, address. The
check gives every row a verdict (new / unchanged / updated / error with the reasons); the
commit writes nothing unless every row passes, then writes the whole file in one
transaction, in bulk. Importing the same file again finds every row unchanged.
"""

import datetime
import io
import operator
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from stations.exports import Column
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


def _first_sheet_path(archive):
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        rel_id = workbook.find(f"{_NS}sheets/{_NS}sheet").get(f"{_REL_NS}id")
        target = next(r.get("Target") for r in rels if r.get("Id") == rel_id)
    except (KeyError, AttributeError, StopIteration, ElementTree.ParseError):
        return "xl/worksheets/sheet1.xml"
    target = target.lstrip("/")
    return target if target.startswith("xl/") else f"xl/{target}"


def _shared_strings(archive):
    if "xl/sharedStrings.xml" not in archive.namelist():
        return []
    strings = []
    with archive.open("xl/sharedStrings.xml") as stream:
        for _event, element in ElementTree.iterparse(stream):
            if element.tag == f"{_NS}si":
                strings.append("".join(t.text or "" for t in element.iter(f"{_NS}t")))
                element.clear()
    return strings


def _column_index(reference):
    index = 0
    for char in reference:
        if not char.isalpha():
            break
        index = index * 26 + ord(char.upper()) - 64
    return index - 1


def _xlsx_rows(data):
    """Cell texts of the first sheet, row by row, streamed from the XML.

    A roster is plain text and numbers, so reading the sheet XML directly is enough, and
    several times faster than building openpyxl cells (the import must reach thousands of
    rows per second)."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    shared = _shared_strings(archive)
    with archive.open(_first_sheet_path(archive)) as stream:
        row_number, cells = 0, {}
        for _event, element in ElementTree.iterparse(stream):
            tag = element.tag
            if tag == f"{_NS}c":
                kind = element.get("t")
                if kind == "inlineStr":
                    value = "".join(t.text or "" for t in element.iter(f"{_NS}t"))
                else:
                    v = element.find(f"{_NS}v")
                    value = v.text if v is not None and v.text is not None else ""
                    if kind == "s" and value:
                        value = shared[int(value)]
                    elif kind in (None, "n") and value:
                        number = float(value)
                        value = int(number) if number.is_integer() else number
                reference = element.get("r")
                column = _column_index(reference) if reference else len(cells)
                cells[column] = value
                element.clear()
            elif tag == f"{_NS}row":
                row_number = int(element.get("r") or row_number + 1)
                width = max(cells) + 1 if cells else 0
                yield row_number, [cells.get(i) for i in range(width)]
                cells = {}
                element.clear()


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
    data = file.read()
    rows = []
    mapping = None
    try:
        for number, raw in _xlsx_rows(data):
            texts = [_cell_text(value) for value in raw]
            if not any(texts):
                continue
            if mapping is None:
                mapping = _header_mapping(texts)
                if mapping is not None:
                    continue  # the header row
                mapping = {index: key for index, key in enumerate(FIELDS)}
            rows.append((number, {key: texts[index] if index < len(texts) else "" for index, key in mapping.items()}))
    except (zipfile.BadZipFile, KeyError, ValueError, IndexError, ElementTree.ParseError) as error:
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
    verdict.parsed = {"id_number": number, "station": station, "category": category, "subtype": subtype or "",
                      "disability_type": disability_type, "disability_grade": grade}


def _age(born, day):
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def check(rows, user):
    """Verdicts for every row, reading existing people in batches (a few queries per 500 rows)."""
    context = _Context(user)
    seen = {}
    verdicts = []
    for number, values in rows:
        verdict = RowVerdict(row=number, values=dict(values))
        _check_row(verdict, context, seen)
        verdicts.append(verdict)
    numbers = [v.parsed["id_number"] for v in verdicts if v.parsed["id_number"]]
    existing, memberships = {}, {}
    for start in range(0, len(numbers), 500):
        chunk = numbers[start:start + 500]
        for client in Client.objects.filter(id_number__in=chunk).only(
            "id", "id_number", "name", "phone", "address", "village", "station_id", "status", "version"
        ):
            existing[client.id_number] = client
        for membership in CategoryMembership.objects.filter(client__id_number__in=chunk, end_on__isnull=True).only(
            "id", "client_id", "category", "subtype", "disability_type", "disability_grade", "start_on"
        ):
            memberships.setdefault((membership.client_id, membership.category), membership)
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
    return verdicts


def _write(verdicts, user, today):
    """Writes every new and updated row in bulk, with audit history."""
    new_clients = []
    staff = getattr(user, "staff", None)
    for verdict in verdicts:
        if verdict.verdict != "new":
            continue
        values, parsed = verdict.values, verdict.parsed
        number = parsed["id_number"]
        pinyin, initials = name_keys(values["name"])
        new_clients.append(Client(
            station=parsed["station"], name=values["name"], name_pinyin=pinyin, name_initials=initials,
            id_number=number, gender=idnumbers.gender(number), birth_date=idnumbers.birth_date(number),
            phone=values.get("phone", ""), address=values.get("address", ""), village=values.get("village", ""),
            registered_on=today, next_visit_due=today,
            worker=staff if staff is not None and staff.station_id == parsed["station"].pk else None,
        ))
    bulk_create_with_history(new_clients, Client, batch_size=1000, default_user=user)
    ids = {}
    new_numbers = [c.id_number for c in new_clients]
    for start in range(0, len(new_numbers), 500):
        ids.update(Client.objects.filter(id_number__in=new_numbers[start:start + 500]).values_list("id_number", "pk"))

    changed_clients, new_memberships, changed_memberships = [], [], []
    for verdict in verdicts:
        parsed = verdict.parsed
        fields = {"subtype": parsed["subtype"], "disability_type": parsed["disability_type"],
                  "disability_grade": parsed["disability_grade"]}
        if verdict.verdict == "new":
            new_memberships.append(CategoryMembership(
                client_id=ids[parsed["id_number"]], category=parsed["category"], start_on=today, **fields))
        elif verdict.verdict == "updated":
            client = verdict.client
            for key in ("name", "phone", "address", "village"):
                if key in verdict.changes:
                    setattr(client, key, verdict.values[key])
            if "station" in verdict.changes:
                client.station_id = parsed["station"].pk
            if {"name", "phone", "address", "village", "station"} & set(verdict.changes):
                client.name_pinyin, client.name_initials = name_keys(client.name)
                client.version += 1
                changed_clients.append(client)
            if "category" in verdict.changes:
                new_memberships.append(CategoryMembership(client_id=client.pk, category=parsed["category"],
                                                          start_on=today, **fields))
            elif "subtype" in verdict.changes:
                membership = verdict.membership
                for key, value in fields.items():
                    setattr(membership, key, value)
                changed_memberships.append(membership)
    if changed_clients:
        bulk_update_with_history(
            changed_clients, Client,
            ["name", "name_pinyin", "name_initials", "phone", "address", "village", "station", "version"],
            batch_size=1000, default_user=user,
        )
    bulk_create_with_history(new_memberships, CategoryMembership, batch_size=2000, default_user=user)
    if changed_memberships:
        bulk_update_with_history(changed_memberships, CategoryMembership,
                                 ["subtype", "disability_type", "disability_grade"], batch_size=1000,
                                 default_user=user)


def run(*, user, file, commit):
    started = timezone.now()
    rows = read_rows(file)
    if commit:
        with transaction.atomic():
            verdicts = check(rows, user)
            result = RosterResult(rows=verdicts)
            if result.ok:
                _write(verdicts, user, timezone.localdate())
                result.committed = True
    else:
        result = RosterResult(rows=check(rows, user))
    result.seconds = (timezone.now() - started).total_seconds()
    return result
