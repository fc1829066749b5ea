"""The demo's journal (issue 19 "Done when"): the twelve issues of 2023 are published, and the
issue of 2023-09 carries the month's figures exactly as the engine gives them — in its lead
paragraph and table, in the PDF's text (pypdf) and in the .docx (python-docx). The demo is
loaded once for the module and rolled back at the end."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from docx import Document
from pypdf import PdfReader

from journal.choices import IssueStatus
from journal.models import Issue
from reports import figures

SEPTEMBER = figures.month_period("2023-09")


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with transaction.atomic():
            call_command("seed_demo", stdout=io.StringIO())
            yield
            transaction.set_rollback(True)


def pdf_text(content):
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_twelve_issues_of_2023_are_published_and_numbered(seeded, db):
    issues = Issue.objects.filter(month__year=2023).order_by("month")
    assert [(i.month.month, i.number, i.status) for i in issues] == [
        (month, month, IssueStatus.PUBLISHED) for month in range(1, 13)]
    assert issues[8].title == "《浚县社工》2023年第9期（总第9期）"


def test_the_september_issue_carries_the_engines_figures(seeded, db, bureau):
    engine = figures.for_user(bureau, start=SEPTEMBER.start, end=SEPTEMBER.end)
    assert engine["visits"] == 716  # the demo's September (the seed's year spread over its months)
    issue = Issue.objects.get(month=SEPTEMBER.start, status=IssueStatus.PUBLISHED)
    stored = issue.figures
    assert {key: value for key, value in stored.items() if key != "trend"} == engine
    assert "本月，全县11个社工站共开展探访716次" in issue.lead
    assert f"全月服务困难群众{engine['people_served']}人次" in issue.lead
    assert [row["visits"] for row in stored["trend"]] == [
        figures.for_user(bureau, **dict(zip(("start", "end"), figures.month_period(f"2023-{m:02d}"), strict=True)))
        ["visits"] for m in range(1, 10)]


def test_the_pdf_of_2023_09_holds_the_lead_and_the_table(seeded, db, web, bureau, city):
    issue = Issue.objects.get(month=SEPTEMBER.start, status=IssueStatus.PUBLISHED)
    for reader in (bureau, city):  # the city viewer reads its counties' published issues
        response = web(reader).get("/reports/journal/2023-09.pdf")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    fonts = {str(font) for page in reader.pages for font in
             (page.get("/Resources", {}).get("/Font", {}) or {}).values()}
    text = pdf_text(response.content).replace("\n", "")
    assert "本月，全县11个社工站共开展探访716次" in text
    assert "《浚县社工》2023年第9期（总第9期）" in text
    assert f"{issue.figures['people_served']}人次" in text
    assert fonts, "the PDF embeds its fonts"
    embedded = " ".join(str(page["/Resources"]["/Font"][name].get_object().get("/BaseFont"))
                        for page in reader.pages for name in page["/Resources"]["/Font"])
    assert "Noto" in embedded and "CJK" in embedded


def test_the_docx_of_2023_09_holds_the_same_paragraphs(seeded, db, web, bureau):
    issue = Issue.objects.get(month=SEPTEMBER.start, status=IssueStatus.PUBLISHED)
    response = web(bureau).get("/reports/journal/2023-09.docx")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    paragraphs = [p.text for p in document.paragraphs]
    lead = [p for p in paragraphs if p.startswith("本月，全县11个社工站共开展探访716次")]
    assert len(lead) == 1
    assert f"全月服务困难群众{issue.figures['people_served']}人次" in lead[0]
    pdf = pdf_text(web(bureau).get("/reports/journal/2023-09.pdf").content).replace("\n", "")
    assert lead[0] in pdf  # the same paragraph in both
    assert len(document.inline_shapes) == 2  # the trend and the categories, drawn on the server
    table = document.tables[0]
    cells = {row.cells[0].text: row.cells[1].text for row in table.rows}
    assert cells["探访次数"] == "716"


def test_the_annual_report_as_pdf_and_docx(seeded, db, web, bureau):
    pdf = web(bureau).get("/reports/annual/2023.pdf")
    assert pdf.status_code == 200
    text = pdf_text(pdf.content).replace("\n", "")
    assert "5665" in text and "2023年社会工作年度报告" in text
    docx = Document(io.BytesIO(web(bureau).get("/reports/annual/2023.docx").content))
    assert any("5665次" in p.text for p in docx.paragraphs)
