"""A masked ID number leaves nothing to rebuild it from (issue 21, item 3): the mask hides the
birth date, the sequence and the check character, and roles that may not reveal the number see
the person's age, not their birth date — in the API (list and detail), the xlsx export and the
pages."""

import io

import pytest
from openpyxl import load_workbook

from clients import idnumbers, privacy

pytestmark = pytest.mark.django_db


def _rebuildable(text, number):
    """Whether ``text`` holds the number, or a birth date together with its last digits."""
    born = idnumbers.birth_date(number)
    has_birth = born.isoformat() in text or f"{born:%Y%m%d}" in text or f"{born:%Y/%m/%d}" in text
    return number in text or (has_birth and number[14:] in text) or number[6:] in text


def _sheet_text(content):
    wb = load_workbook(io.BytesIO(content))
    return " ".join(str(cell) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for cell in row
                    if cell is not None)


def test_the_mask_keeps_only_the_area_code():
    assert idnumbers.mask("41062119900101123X") == "410621************"
    assert privacy.mask_id("41062119900101123X") == "410621************"


@pytest.mark.parametrize("persona", ["bureau", "center", "city", "auditor"])
def test_no_answer_lets_a_masked_number_be_rebuilt(request, api, web, persona, xiaohe_client):
    user = request.getfixturevalue(persona)
    number = xiaohe_client.id_number
    listing = api(user).get("/api/v1/clients/")
    detail = api(user).get(f"/api/v1/clients/{xiaohe_client.pk}/")
    export = web(user).get("/clients/", {"export": "xlsx"})
    page = web(user).get(f"/clients/{xiaohe_client.pk}/")
    texts = [listing.content.decode(), detail.content.decode(), page.content.decode()]
    if export.status_code == 200 and export["Content-Type"].startswith("application/vnd"):
        texts.append(_sheet_text(export.content))
    for text in texts:
        assert not _rebuildable(text, number)
    if detail.status_code == 200:
        assert detail.json()["birth_date"] is None and detail.json()["age"] == xiaohe_client.age


def test_the_county_bureau_sees_the_age_in_the_export(web, bureau, xiaohe_client):
    export = web(bureau).get("/clients/", {"export": "xlsx"})
    header = next(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert "年龄" in header and "出生日期" not in header


def test_a_worker_who_may_reveal_still_sees_the_birth_date_but_no_rebuildable_mask(api, xiaohe, xiaohe_client):
    detail = api(xiaohe).get(f"/api/v1/clients/{xiaohe_client.pk}/").json()
    assert detail["birth_date"] == xiaohe_client.birth_date.isoformat()
    assert xiaohe_client.id_number[14:] not in detail["id_number"]
