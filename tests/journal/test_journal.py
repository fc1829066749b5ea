"""The journal's rules (issue 19): photos with consent only, sanitised rich text, the editorial
flow (draft → publish, frozen, correction as a new version), scope, bad input, query counts."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from journal import services
from journal.choices import IssueStatus
from journal.forms import HighlightForm
from journal.models import Highlight, Issue
from services.models import ActivityPhoto

from .conftest import MONTH


def highlight_of(issue, station):
    return Highlight.objects.get(issue=issue, station=station)


# --- photos with consent ---------------------------------------------------------------------

def test_a_photo_not_marked_for_publication_never_appears_in_a_draft(draft, month_records, station_xiaohe,
                                                                      station_baisi, xiaohe, web, center):
    xiaohe_highlight = highlight_of(draft, station_xiaohe)
    assert xiaohe_highlight.activity == month_records["fair"]  # the month's biggest activity
    assert xiaohe_highlight.photo == month_records["consented"]  # not the unconsented one uploaded first
    # an activity a child took part in: its consented photo is not offered either
    assert highlight_of(draft, station_baisi).photo is None
    offered = set(HighlightForm(instance=xiaohe_highlight, user=xiaohe).fields["photo"].queryset)
    assert offered == {month_records["consented"]}
    page = web(center).get(draft.get_absolute_url()).content.decode()
    assert "同意发布的照片" in page and "未经同意的照片" not in page and "夏令营合影" not in page


def test_an_unpublishable_photo_is_refused_and_nothing_is_written(draft, month_records, station_xiaohe, xiaohe, web):
    highlight = highlight_of(draft, station_xiaohe)
    for name in ("unconsented", "small_children"):
        with pytest.raises(ValidationError) as error:
            highlight.photo = month_records[name]
            highlight.activity = month_records[name].activity
            services.highlight_update(highlight=highlight, user=xiaohe)
        assert "photo" in error.value.message_dict
    highlight.refresh_from_db()
    assert highlight.photo == month_records["consented"]
    # the web form does not even offer it: posting its id is a field error
    form = web(xiaohe).get(f"/reports/journal/highlights/{highlight.pk}/edit/").context["form"]
    data = {**{k: v for k, v in form.initial.items() if v is not None}, "activity": month_records["fair"].pk,
            "photo": month_records["unconsented"].pk, "held_on": "2024-03-12", "loaded_state": form.initial["loaded_state"]}
    response = web(xiaohe).post(f"/reports/journal/highlights/{highlight.pk}/edit/", data)
    assert response.status_code == 200 and "photo" in response.context["form"].errors
    highlight.refresh_from_db()
    assert highlight.photo == month_records["consented"]


def test_a_photo_of_children_cannot_be_marked_publishable(month_records):
    photo = month_records["small_children"]
    photo.may_publish = True
    with pytest.raises(ValidationError) as error:
        photo.full_clean()
    assert "may_publish" in error.value.message_dict
    assert not ActivityPhoto.objects.publishable(on=MONTH).filter(pk=photo.pk).exists()


# --- the draft and rich text -----------------------------------------------------------------

def test_the_draft_is_numbered_and_written_from_the_month(draft, station_xiaohe, center):
    assert (draft.number, draft.version, draft.status) == (1, 1, IssueStatus.DRAFT)
    assert "本月，全县11个社工站共开展探访0次" in draft.lead
    assert "举办社区活动3场" in draft.lead
    assert draft.figures["community_activities"] == 3
    april = services.issue_draft(county=station_xiaohe.county, month=datetime.date(2024, 4, 1), user=center)
    assert april.number == 2


def test_rich_text_keeps_paragraphs_bold_and_lists_only(draft, center, web):
    form = web(center).get(f"/reports/journal/{draft.pk}/edit/").context["form"]
    data = {name: form.initial.get(name) or "" for name in ("title", "case_story", "training_news", "campaign")}
    data.update(loaded_state=form.initial["loaded_state"],
                lead='<p onclick="x()">本月<strong>亮点</strong><script>alert(1)</script></p>'
                     '<ul><li>一</li></ul><a href="http://evil">链接</a><img src=x onerror=alert(1)>')
    response = web(center).post(f"/reports/journal/{draft.pk}/edit/", data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.lead == "<p>本月<strong>亮点</strong></p><ul><li>一</li></ul>链接"


# --- the editorial flow ----------------------------------------------------------------------

def test_publish_freezes_the_issue(draft, bureau, center, web, api):
    assert web(center).post(f"/reports/journal/{draft.pk}/publish/").status_code == 403  # the bureau publishes
    assert web(bureau).post(f"/reports/journal/{draft.pk}/publish/").status_code == 302
    draft.refresh_from_db()
    assert draft.status == IssueStatus.PUBLISHED and draft.published_at is not None
    lead = draft.lead
    form = web(center).get(f"/reports/journal/{draft.pk}/edit/").context["form"]
    data = {name: form.initial.get(name) or "" for name in ("title", "case_story", "training_news", "campaign")}
    response = web(center).post(f"/reports/journal/{draft.pk}/edit/", {**data, "lead": "<p>改</p>",
                                                                      "loaded_state": form.initial["loaded_state"]})
    assert response.status_code == 200
    assert "本期已发布并锁定" in str(response.context["form"].non_field_errors())
    version = api(center).get(f"/api/v1/journal-issues/{draft.pk}/").json()["version"]
    answer = api(center).patch(f"/api/v1/journal-issues/{draft.pk}/", {"lead": "<p>改</p>", "version": version},
                               format="json")
    assert answer.status_code == 400
    draft.refresh_from_db()
    assert draft.lead == lead
    assert "issue-edit" not in web(center).get(draft.get_absolute_url()).content.decode()


def test_a_correction_is_a_new_version_with_a_note(draft, bureau, center, web):
    services.issue_publish(issue=draft, user=bureau)
    response = web(center).post(f"/reports/journal/{draft.pk}/correct/", {"note": "  "})
    assert response.status_code == 200 and "note" in response.context["form"].errors
    assert Issue.objects.count() == 1  # nothing written
    response = web(center).post(f"/reports/journal/{draft.pk}/correct/", {"note": "更正小河站活动人数"})
    correction = Issue.objects.get(version=2)
    assert response.status_code == 302 and response["Location"] == correction.get_absolute_url()
    assert (correction.number, correction.status, correction.correction_note) == (1, "draft", "更正小河站活动人数")
    assert correction.highlights.count() == draft.highlights.count()
    services.issue_publish(issue=correction, user=bureau)
    draft.refresh_from_db()
    assert draft.status == IssueStatus.SUPERSEDED
    pdf = web(bureau).get("/reports/journal/2024-03.pdf")
    assert pdf.status_code == 200 and "v2" in pdf["Content-Disposition"]


# --- bad input -------------------------------------------------------------------------------

def test_a_bad_or_future_month_is_refused_and_nothing_written(db, center, web, station_xiaohe):
    county = station_xiaohe.county_id
    response = web(center).post("/reports/journal/add/", {"county": county, "month_code": "2024-13"})
    assert response.status_code == 200 and "month_code" in response.context["form"].errors
    response = web(center).post("/reports/journal/add/", {"county": county, "month_code": "2099-01"})
    assert response.status_code == 200 and "2099-01" in str(response.context["form"].errors)
    assert not Issue.objects.exists()
    response = web(center).post("/reports/journal/add/", {"county": county, "month_code": "2024-03"})
    assert response.status_code == 302 and Issue.objects.count() == 1
    again = web(center).post("/reports/journal/add/", {"county": county, "month_code": "2024-03"})
    assert again.status_code == 200 and Issue.objects.count() == 1


def test_publishing_without_a_lead_is_refused(draft, bureau, web):
    Issue.objects.filter(pk=draft.pk).update(lead="")
    response = web(bureau).post(f"/reports/journal/{draft.pk}/publish/")
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == IssueStatus.DRAFT


# --- scope -----------------------------------------------------------------------------------

def test_a_station_sees_and_edits_its_own_highlight_only(draft, station_xiaohe, station_baisi, xiaohe, web, api):
    own, other = highlight_of(draft, station_xiaohe), highlight_of(draft, station_baisi)
    client = web(xiaohe)
    assert client.get(f"/reports/journal/highlights/{own.pk}/edit/").status_code == 200
    assert client.get(f"/reports/journal/highlights/{other.pk}/edit/").status_code == 404
    assert client.get(f"/reports/journal/highlights/{other.pk}/").status_code == 404
    listed = client.get("/reports/journal/highlights/").context["object_list"]
    assert {h.pk for h in listed} == {own.pk}
    rows = api(xiaohe).get("/api/v1/journal-highlights/").json()["results"]
    assert [row["id"] for row in rows] == [own.pk]
    assert api(xiaohe).get(f"/api/v1/journal-highlights/{other.pk}/").status_code == 404
    assert api(xiaohe).patch(f"/api/v1/journal-highlights/{other.pk}/", {"text": "x", "version": 0},
                             format="json").status_code == 404
    exported = client.get("/reports/journal/highlights/", {"export": "xlsx"})
    assert exported.status_code == 200
    import io

    from openpyxl import load_workbook
    assert load_workbook(io.BytesIO(exported.content)).active.max_row == 2  # header + its own
    # its issue it may read, not edit
    assert client.get(draft.get_absolute_url()).status_code == 200
    assert client.get(f"/reports/journal/{draft.pk}/edit/").status_code == 403


def test_a_station_proposes_its_highlight(draft, station_xiaohe, month_records, xiaohe, api):
    highlight = highlight_of(draft, station_xiaohe)
    version = api(xiaohe).get(f"/api/v1/journal-highlights/{highlight.pk}/").json()["version"]
    response = api(xiaohe).patch(f"/api/v1/journal-highlights/{highlight.pk}/", {
        "activity": month_records["small"].pk, "photo": None, "title": "读书会", "text": "<p>读书<b>分享</b></p>",
        "included": False, "version": version}, format="json")
    assert response.status_code == 200, response.json()
    highlight.refresh_from_db()
    assert (highlight.title, highlight.text, highlight.proposed_by, highlight.included) == (
        "读书会", "<p>读书<b>分享</b></p>", xiaohe, True)  # "included" is the center's choice


def test_the_city_viewer_reads_published_issues_only(draft, station_xiaohe, bureau, city, web, api):
    assert web(city).get(draft.get_absolute_url()).status_code == 404
    assert web(city).get(f"/reports/journal/{draft.pk}/issue.pdf").status_code == 404
    assert len(web(city).get("/reports/journal/").context["object_list"]) == 0
    assert api(city).get("/api/v1/journal-issues/").json()["results"] == []
    assert api(city).get("/api/v1/journal-highlights/").json()["results"] == []
    services.issue_publish(issue=draft, user=bureau)
    assert web(city).get(draft.get_absolute_url()).status_code == 200
    assert [row["id"] for row in api(city).get("/api/v1/journal-issues/").json()["results"]] == [draft.pk]
    assert web(city).get("/reports/journal/2024-03.pdf").status_code == 200
    assert web(city).get(f"/reports/journal/{draft.pk}/edit/").status_code == 403


def test_the_api_drafts_and_publishes(month_records, station_xiaohe, center, bureau, xiaohe, api):
    county = station_xiaohe.county_id
    assert api(xiaohe).post("/api/v1/journal-issues/", {"county": county, "month": "2024-03"},
                            format="json").status_code == 403
    bad = api(center).post("/api/v1/journal-issues/", {"county": county, "month": "March"}, format="json")
    assert bad.status_code == 400 and "month" in bad.json()
    created = api(center).post("/api/v1/journal-issues/", {"county": county, "month": "2024-03"}, format="json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert api(center).post(f"/api/v1/journal-issues/{pk}/publish/").status_code == 403
    published = api(bureau).post(f"/api/v1/journal-issues/{pk}/publish/")
    assert published.status_code == 200 and published.json()["status"] == "published"
    assert api(center).post(f"/api/v1/journal-issues/{pk}/correct/", {}, format="json").status_code == 400
    corrected = api(center).post(f"/api/v1/journal-issues/{pk}/correct/", {"note": "更正"}, format="json")
    assert corrected.status_code == 200 and corrected.json()["version_number"] == 2


# --- query counts ----------------------------------------------------------------------------

def _issues(county, count):
    Issue.objects.bulk_create([
        Issue(county=county, month=datetime.date(2000 + n // 12, n % 12 + 1, 1), number=n + 1, title=f"第{n + 1}期",
              lead="<p>x</p>", status=IssueStatus.PUBLISHED)
        for n in range(count)])


@pytest.mark.parametrize("url", ["/reports/journal/", "/api/v1/journal-issues/"])
def test_the_issue_lists_pin_their_query_count(db, station_xiaohe, bureau, web, api, count_queries, url):
    client = web(bureau) if url.startswith("/reports") else api(bureau)
    _issues(station_xiaohe.county, 3)
    client.get(url)  # the session and the scope, read once per client
    few = count_queries(lambda: client.get(url))
    Issue.objects.all().delete()
    _issues(station_xiaohe.county, 30)
    assert count_queries(lambda: client.get(url)) == few


@pytest.mark.parametrize("url", ["/reports/journal/highlights/", "/api/v1/journal-highlights/"])
def test_the_highlight_lists_pin_their_query_count(db, station_xiaohe, center, web, api, count_queries, url):
    from stations.models import Station

    client = web(center) if url.startswith("/reports") else api(center)
    stations = list(Station.objects.all())
    _issues(station_xiaohe.county, 3)
    issues = list(Issue.objects.all())
    Highlight.objects.bulk_create([Highlight(issue=issues[0], station=s, title="亮点") for s in stations[:3]])
    client.get(url)  # the session and the scope, read once per client
    few = count_queries(lambda: client.get(url))
    Highlight.objects.bulk_create([Highlight(issue=i, station=s, title="亮点") for i in issues[1:3] for s in stations])
    assert Highlight.objects.count() >= 25
    assert count_queries(lambda: client.get(url)) == few


# --- the annual report as PDF and .docx, in the user's scope -----------------------------------

def test_the_annual_report_pdf_and_docx_are_scoped(month_records, station_xiaohe, station_baisi, xiaohe, web):
    import io

    from docx import Document
    from pypdf import PdfReader

    response = web(xiaohe).get("/reports/annual/2024.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages).replace("\n", "")
    assert station_xiaohe.name in text and "2024年社会工作年度报告" in text
    docx = Document(io.BytesIO(web(xiaohe).get("/reports/annual/2024.docx").content))
    assert station_xiaohe.name in [p.text for p in docx.paragraphs]
    assert web(xiaohe).get("/reports/annual/2024.pdf", {"station": station_baisi.pk}).status_code == 404
    assert web(xiaohe).get("/reports/annual/2099.pdf").status_code == 400
    assert web(xiaohe).get("/reports/journal/2024-13.pdf").status_code == 404
    assert web(xiaohe).get("/reports/journal/2024-03.pdf").status_code == 404  # no published issue yet
