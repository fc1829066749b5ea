"""Roster uploads built to exhaust a worker (issue 21): each is refused while it is read, fast,
in bounded memory, with a clear message, and nothing is written."""

import io
import os
import time
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from clients import roster
from clients.models import Client

from .test_roster import _good_rows, _xlsx

pytestmark = pytest.mark.django_db

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PARTS = {
    "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                           'content-types"/>',
    "xl/workbook.xml": f'<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
                       '<sheet name="s" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                                  'package/2006/relationships"><Relationship Id="rId1" Target="worksheets/sheet1.xml"'
                                  ' Type="x"/></Relationships>',
}


def _workbook(sheet_rows, shared=None, name="roster.xlsx"):
    """A hand-built .xlsx: ``sheet_rows`` an iterable of row XML strings; ``shared`` an iterable
    of byte chunks making up the shared-string table, streamed into the zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, text in PARTS.items():
            archive.writestr(part, text)
        if shared is not None:
            with archive.open("xl/sharedStrings.xml", "w") as stream:
                for chunk in shared:
                    stream.write(chunk)
        with archive.open("xl/worksheets/sheet1.xml", "w") as stream:
            stream.write(f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><sheetData>'.encode())
            for row in sheet_rows:
                stream.write(row.encode())
            stream.write(b"</sheetData></worksheet>")
    return SimpleUploadedFile(name, buffer.getvalue())


def _huge_shared_string(megabytes=40):
    yield f'<?xml version="1.0"?><sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>'.encode()
    block = b"A" * (1024 * 1024)
    for _ in range(megabytes):
        yield block
    yield b"</t></si></sst>"


def _measured(fn):
    """(exception raised, seconds, peak bytes allocated by Python) of ``fn()``."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        fn()
    except Exception as error:  # noqa: BLE001 - the test inspects it
        raised = error
    else:
        raised = None
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return raised, seconds, peak


def _preview_files(settings):
    folder = settings.MEDIA_ROOT / "roster-imports"
    return sorted(os.listdir(folder)) if folder.exists() else []


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_one_huge_shared_string_referenced_by_many_cells_is_refused_fast_in_bounded_memory(web, xiaohe, settings):
    rows = ['<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c><c r="B1" t="inlineStr"><is><t>身份证号'
            '</t></is></c><c r="C1" t="inlineStr"><is><t>类别</t></is></c></row>']
    rows += [f'<row r="{n}"><c r="A{n}" t="s"><v>0</v></c><c r="H{n}" t="s"><v>0</v></c></row>'
             for n in range(2, 1002)]  # 2,000 references to the one string
    upload = _workbook(rows, shared=_huge_shared_string(40))
    assert upload.size < 200 * 1024  # the file itself is small

    raised, seconds, peak = _measured(lambda: roster.read_rows(upload))

    assert isinstance(raised, roster.RosterFileError), raised
    assert "32,767" in " ".join(raised.messages)
    assert seconds < 2, seconds
    assert peak < 100 * 1024 * 1024, peak

    upload.seek(0)
    page = web(xiaohe).post("/clients/import/", {"file": upload})
    assert page.status_code == 200
    assert "字符" in " ".join(page.context["form"].errors["file"])  # the Chinese message
    assert _preview_files(settings) == [] and Client.objects.count() == 0


def test_a_lying_zip_header_is_caught_while_inflating():
    upload = _xlsx(_good_rows(3))
    data = bytearray(upload.read())
    # make the sheet's declared sizes (local header and central directory) say 10 bytes
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = archive.getinfo("xl/worksheets/sheet1.xml")
    central = data.rfind(b"xl/worksheets/sheet1.xml")
    # central directory entry: the file name starts 46 bytes after the entry's signature
    entry = central - 46
    assert data[entry:entry + 4] == b"PK\x01\x02"
    data[entry + 24:entry + 28] = (10).to_bytes(4, "little")  # uncompressed size
    local = info.header_offset
    data[local + 22:local + 26] = (10).to_bytes(4, "little")
    with pytest.raises(roster.RosterFileError):
        roster.read_rows(SimpleUploadedFile("roster.xlsx", bytes(data)))


def test_uncompressed_size_is_capped(settings):
    settings.ROSTER_LIMITS = {"max_uncompressed": 200 * 1024}
    upload = _workbook([f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>{"x" * 100}</t></is></c></row>'
                        for n in range(1, 5000)])
    with pytest.raises(roster.RosterFileError) as refused:
        roster.read_rows(upload)
    assert "MB" in " ".join(refused.value.messages)


def test_too_many_rows_are_refused(web, xiaohe, settings):
    settings.ROSTER_LIMITS = {"max_rows": 50}
    rows = _good_rows(51)
    for row in rows:
        row[4] = "小河镇"
    page = web(xiaohe).post("/clients/import/", {"file": _xlsx(rows)})
    assert page.status_code == 200
    message = " ".join(page.context["form"].errors["file"])
    assert "50" in message and "行" in message
    assert _preview_files(settings) == []
    # 50 rows are fine
    assert web(xiaohe).post("/clients/import/", {"file": _xlsx(rows[:50])}).status_code == 302


def test_the_default_row_cap_is_the_documented_one():
    assert roster.LIMITS["max_rows"] == 100_000
    with open("README.md", encoding="utf-8") as readme:
        assert "100,000" in readme.read()


def test_millions_of_empty_rows_stop_at_the_cap_fast(settings):
    settings.ROSTER_LIMITS = {"max_rows": 1000}
    upload = _workbook(f'<row r="{n}"/>' for n in range(1, 1_000_000))
    raised, seconds, peak = _measured(lambda: roster.read_rows(upload))
    assert isinstance(raised, roster.RosterFileError) and seconds < 2 and peak < 50 * 1024 * 1024


def test_a_cell_at_column_xfd_is_refused_fast(web, xiaohe, settings):
    rows = [f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>x</t></is></c><c r="XFD{n}"><v>1</v></c></row>'
            for n in range(1, 20_000)]
    upload = _workbook(rows)
    raised, seconds, _peak = _measured(lambda: roster.read_rows(upload))
    assert isinstance(raised, roster.RosterFileError) and seconds < 1
    assert "XFD" in " ".join(raised.messages)
    upload.seek(0)
    page = web(xiaohe).post("/clients/import/", {"file": upload})
    assert "XFD" in " ".join(page.context["form"].errors["file"])
    assert _preview_files(settings) == []


def test_too_many_cells_are_refused(settings):
    settings.ROSTER_LIMITS = {"max_cells": 100}
    upload = _xlsx(_good_rows(20))
    with pytest.raises(roster.RosterFileError):
        roster.read_rows(upload)


def test_a_huge_inline_string_is_refused_in_bounded_memory():
    def rows():
        yield '<row r="1"><c r="A1" t="inlineStr"><is><t>'
        for _ in range(30):
            yield "B" * (1024 * 1024)
        yield "</t></is></c></row>"

    upload = _workbook(rows())
    raised, seconds, peak = _measured(lambda: roster.read_rows(upload))
    assert isinstance(raised, roster.RosterFileError) and seconds < 2 and peak < 50 * 1024 * 1024


@pytest.mark.parametrize("files", [
    {"hello.txt": "not a workbook"},  # a zip, but no sheet
    {"xl/worksheets/sheet1.xml": "<worksheet><sheetData><row>"},  # truncated XML
])
def test_a_zip_that_is_not_a_workbook_gets_a_clear_message(web, xiaohe, files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    page = web(xiaohe).post("/clients/import/", {"file": SimpleUploadedFile("roster.xlsx", buffer.getvalue())})
    assert page.status_code == 200
    assert "不是可读取" in " ".join(page.context["form"].errors["file"])


def test_long_texts_are_kept_short_in_the_preview(xiaohe):
    rows = _good_rows(2)
    for row in rows:
        row[4] = "小河镇"
    rows[0][7] = "很长的地址" * 2000
    rows[1][5] = "村" * 70
    result = roster.run(user=xiaohe, file=_xlsx(rows), commit=False)
    assert len(result.rows[0].values["address"]) == 201
    assert any("200" in message for message in result.rows[0].errors)
    assert any("60" in message for message in result.rows[1].errors)


def test_uncommitted_previews_expire_and_are_deleted(web, xiaohe, settings):
    from django.core.management import call_command

    rows = _good_rows(3)
    for row in rows:
        row[4] = "小河镇"
    browser = web(xiaohe)
    first = browser.post("/clients/import/", {"file": _xlsx(rows)})
    assert first.status_code == 302 and len(_preview_files(settings)) == 2  # the file and its verdicts
    folder = settings.MEDIA_ROOT / "roster-imports"
    old = time.time() - 25 * 3600
    for name in os.listdir(folder):
        os.utime(folder / name, (old, old))
    assert browser.get(first["Location"]).status_code == 404  # expired: gone
    assert _preview_files(settings) == []

    second = browser.post("/clients/import/", {"file": _xlsx(rows)})
    for name in os.listdir(folder):
        os.utime(folder / name, (old, old))
    browser.post("/clients/import/", {"file": _xlsx(rows)})  # a new upload purges the expired one
    assert len(_preview_files(settings)) == 2
    assert browser.get(second["Location"]).status_code == 404

    for name in os.listdir(folder):
        os.utime(folder / name, (old, old))
    call_command("purge_roster_previews")
    assert _preview_files(settings) == []


def test_an_encrypted_workbook_gets_a_clear_message(web, xiaohe):
    data = bytearray(_xlsx(_good_rows(2)).read())
    entry = data.rfind(b"xl/worksheets/sheet1.xml") - 46  # its central-directory entry
    assert data[entry:entry + 4] == b"PK\x01\x02"
    data[entry + 8] |= 1  # "encrypted"
    page = web(xiaohe).post("/clients/import/", {"file": SimpleUploadedFile("roster.xlsx", bytes(data))})
    assert page.status_code == 200
    assert "不是可读取" in " ".join(page.context["form"].errors["file"])
