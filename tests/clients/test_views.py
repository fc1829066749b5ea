"""Pages: pinned query counts, form messages, masking, reveal and child-view logging, conflicts."""

import datetime

import pytest
from django.core import signing
from django.utils import timezone

from accounts.models import AccessLog
from clients.choices import Category
from clients.models import Client

from .conftest import new_id_number

pytestmark = pytest.mark.django_db


def _fill(register, station, n):
    for index in range(n):
        register(station, f"测试{index}", categories=[Category.SUBSISTENCE_ALLOWANCE, Category.DISABILITY])


@pytest.mark.parametrize("url", ["/clients/", "/clients/worklist/", "/api/v1/clients/", "/clients/households/"])
def test_list_query_count_does_not_grow_with_rows(url, web, api, xiaohe, register, station_xiaohe, count_queries):
    client = api(xiaohe) if url.startswith("/api") else web(xiaohe)
    _fill(register, station_xiaohe, 3)
    client.get(url)  # warm the session and caches
    three = count_queries(lambda: client.get(url))
    _fill(register, station_xiaohe, 27)
    thirty = count_queries(lambda: client.get(url))
    assert three == thirty, (three, thirty)
    assert thirty <= 14


def test_detail_query_count_does_not_grow_with_records(web, xiaohe, register, station_xiaohe, count_queries):
    from clients import services

    person = register(station_xiaohe, "王大", categories=[Category.SUBSISTENCE_ALLOWANCE])
    browser = web(xiaohe)
    browser.get(f"/clients/{person.pk}/")
    one = count_queries(lambda: browser.get(f"/clients/{person.pk}/"))
    for category in (Category.DISABILITY, Category.OTHER):
        services.category_add(client=person, category=category, disability_type="physical" if category ==
                              Category.DISABILITY else "", disability_grade=2 if category == Category.DISABILITY else None)
    for _ in range(5):
        services.assessment_record(client=person, risk_level="low")
    assert count_queries(lambda: browser.get(f"/clients/{person.pk}/")) == one


def test_register_form_shows_the_check_digit_message_and_writes_nothing(web, xiaohe, station_xiaohe):
    before = Client.objects.count()
    page = web(xiaohe).post("/clients/add/", {"station": station_xiaohe.pk, "name": "新人",
                                              "id_number": "110105194912310021", "registered_on": "2024-01-01"},
                            HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    assert "校验码" in page.context["form"].errors["id_number"][0]
    assert Client.objects.count() == before


def test_register_form_says_another_station_holds_the_person(web, xiaohe, station_xiaohe, baisi_client):
    page = web(xiaohe).post("/clients/add/", {"station": station_xiaohe.pk, "name": "李小梅",
                                              "id_number": baisi_client.id_number, "registered_on": "2024-01-01"})
    message = page.context["form"].errors["id_number"][0]
    assert "其他社工站" in message and "白寺" not in message
    assert Client.objects.filter(id_number=baisi_client.id_number).count() == 1


def test_register_form_refuses_child_category_for_an_adult(web, xiaohe, station_xiaohe):
    number = new_id_number(datetime.date(1980, 1, 1))
    page = web(xiaohe).post("/clients/add/", {"station": station_xiaohe.pk, "name": "成人", "id_number": number,
                                              "registered_on": "2024-01-01", "category": "children_in_distress"})
    assert "18" in page.context["form"].errors["category"][0]
    assert not Client.objects.filter(id_number=number).exists()


def test_register_form_creates_the_person(web, xiaohe, station_xiaohe):
    number = new_id_number(datetime.date(1950, 6, 1))
    response = web(xiaohe).post("/clients/add/", {
        "station": station_xiaohe.pk, "name": "孙奶奶", "id_number": number.lower(), "phone": "13700001234",
        "registered_on": "2024-01-01", "category": "extreme_poverty", "subtype": "dispersed"})
    assert response.status_code == 302
    person = Client.objects.get(id_number=number)
    assert person.categories.get().category == "extreme_poverty"


def test_edit_form_carries_the_lock_and_shows_a_conflict(web, xiaohe, xiaohe_client):
    browser = web(xiaohe)
    form = browser.get(f"/clients/{xiaohe_client.pk}/edit/").context["form"]
    stamp = form["loaded_state"].value()
    assert stamp and xiaohe_client.id_number not in str(signing.loads(stamp, salt=form.LOCK_SALT))
    data = {"station": xiaohe_client.station_id, "name": xiaohe_client.name, "phone": "13800000000",
            "address": "一号", "loaded_state": stamp}
    assert browser.post(f"/clients/{xiaohe_client.pk}/edit/", data).status_code == 302
    data.update(phone="13911112222", address="二号")  # a second editor still holding the old page
    page = browser.post(f"/clients/{xiaohe_client.pk}/edit/", data)
    assert page.status_code == 200
    assert page.context["form"].non_field_errors()
    assert "一号" in page.context["form"].errors["address"][0]
    xiaohe_client.refresh_from_db()
    assert (xiaohe_client.phone, xiaohe_client.address) == ("13800000000", "一号")


def test_lists_mask_id_numbers_and_phones(web, bureau, xiaohe_client):
    page = web(bureau).get("/clients/").content.decode()
    assert xiaohe_client.id_number not in page
    assert xiaohe_client.id_number[:6] + "*" * 12 in page
    assert "138****1234" in page and "13812341234" not in page


def test_export_masks_id_numbers(web, xiaohe, xiaohe_client):
    import io

    from openpyxl import load_workbook

    response = web(xiaohe).get("/clients/", {"export": "xlsx"})
    row = next(load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=2, values_only=True))
    assert row[1] == xiaohe_client.id_number[:6] + "*" * 12
    assert AccessLog.objects.filter(action=AccessLog.Action.EXPORT, username="xiaohe").exists()


def test_reveal_is_a_logged_post(web, xiaohe, xiaohe_client):
    browser = web(xiaohe)
    assert xiaohe_client.id_number not in browser.get(f"/clients/{xiaohe_client.pk}/").content.decode()
    # a typed reveal URL opens the person's page (no number, nothing logged), not an empty 405
    typed = browser.get(f"/clients/{xiaohe_client.pk}/reveal/")
    assert (typed.status_code, typed["Location"]) == (302, f"/clients/{xiaohe_client.pk}/")
    assert not AccessLog.objects.filter(action=AccessLog.Action.REVEAL).exists()
    page = browser.post(f"/clients/{xiaohe_client.pk}/reveal/")
    assert xiaohe_client.id_number in page.content.decode()
    entry = AccessLog.objects.get(action=AccessLog.Action.REVEAL)
    assert (entry.username, entry.object_id, entry.result) == ("xiaohe", str(xiaohe_client.pk), "ok")


def test_read_only_roles_cannot_reveal_and_see_no_disability_details(web, bureau, register, station_xiaohe):
    person = register(station_xiaohe, "残疾人甲", categories=[Category.DISABILITY])
    browser = web(bureau)
    page = browser.get(f"/clients/{person.pk}/")
    assert not page.context["can_reveal"]
    assert "肢体" not in page.content.decode()
    assert browser.post(f"/clients/{person.pk}/reveal/").status_code == 403
    assert AccessLog.objects.get(action=AccessLog.Action.REVEAL).result == "denied"


def test_every_opening_of_a_childs_record_is_logged(web, api, bureau, baisi, baisi_client, xiaohe_client):
    web(baisi).get(f"/clients/{baisi_client.pk}/")
    web(bureau).get(f"/clients/{baisi_client.pk}/")
    api(bureau).get(f"/api/v1/clients/{baisi_client.pk}/")
    web(bureau).get(f"/clients/{xiaohe_client.pk}/")  # an adult: not logged
    views = AccessLog.objects.filter(action=AccessLog.Action.VIEW)
    assert list(views.order_by("at").values_list("username", "object_id")) == [
        ("baisi", str(baisi_client.pk)), ("bureau", str(baisi_client.pk)), ("bureau", str(baisi_client.pk))]


def test_search_by_pinyin_initials_id_tail_and_phone(web, xiaohe, xiaohe_client):
    browser = web(xiaohe)
    for q in ("张三", "zhangsan", "zs", "ZS", xiaohe_client.id_number[-4:], "13812341234", "1234"):
        assert list(browser.get("/clients/", {"q": q}).context["object_list"]) == [xiaohe_client], q


def test_worklist_lists_overdue_and_due_soon(web, xiaohe, register, station_xiaohe):
    from clients import services

    today = timezone.localdate()
    overdue = register(station_xiaohe, "逾期")
    soon = register(station_xiaohe, "将到期")
    later = register(station_xiaohe, "按期")
    services.client_monitoring_update(client=overdue, last_contact_on=today - datetime.timedelta(days=100))
    services.client_monitoring_update(client=soon, last_contact_on=today - datetime.timedelta(days=85))
    services.client_monitoring_update(client=later, last_contact_on=today)
    page = web(xiaohe).get("/clients/worklist/")
    assert list(page.context["object_list"]) == [overdue, soon]
    assert list(web(xiaohe).get("/clients/", {"overdue": "yes"}).context["object_list"]) == [overdue]


def test_close_form_requires_a_reason(web, xiaohe, xiaohe_client):
    page = web(xiaohe).post(f"/clients/{xiaohe_client.pk}/close/", {"closed_on": "2024-05-01"})
    assert "close_reason" in page.context["form"].errors
    xiaohe_client.refresh_from_db()
    assert xiaohe_client.status == "active"
    response = web(xiaohe).post(f"/clients/{xiaohe_client.pk}/close/", {"close_reason": "death",
                                                                        "closed_on": "2024-05-01"})
    assert response.status_code == 302
    xiaohe_client.refresh_from_db()
    assert (xiaohe_client.status, xiaohe_client.close_reason) == ("closed", "death")


def test_ending_a_category_from_the_client_page(web, xiaohe, xiaohe_client):
    membership = xiaohe_client.categories.get()
    url = f"/clients/categories/{membership.pk}/end/"
    assert web(xiaohe).get(url).status_code == 200  # a confirmation page, not a 405
    response = web(xiaohe).post(url, {"end_on": "2021-01-01"}, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert response.redirect_chain == [(xiaohe_client.get_absolute_url(), 302)]
    assert "The end date cannot be before the start date." in response.content.decode()
    membership.refresh_from_db()
    assert membership.end_on is None
    response = web(xiaohe).post(url, {"end_on": "2024-05-01"})
    assert response.status_code == 302 and response["Location"] == xiaohe_client.get_absolute_url()
    membership.refresh_from_db()
    assert membership.end_on == datetime.date(2024, 5, 1)


def test_adding_a_household_member_shows_the_fields_message_on_the_household_page(web, xiaohe, register,
                                                                                   station_xiaohe):
    from clients.models import Household

    household = Household.objects.create(station=station_xiaohe, address="小河村1号")
    person = register(station_xiaohe, "王五")
    url = f"/clients/households/{household.pk}/members/"
    response = web(xiaohe).post(url, {"id_number": new_id_number(), "relationship": "head"},
                                HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.context["member_form"].errors["id_number"] == [
        "No registered person of this station has this ID number."]
    assert not household.members.exists()
    response = web(xiaohe).post(url, {"id_number": person.id_number, "relationship": "head"})
    assert response.status_code == 302 and response["Location"] == household.get_absolute_url()
    assert list(household.members.all()) == [person]


def test_a_typed_monthly_report_submit_url_opens_the_reports(web, xiaohe_head):
    response = web(xiaohe_head).get("/services/monthly-reports/submit/")
    assert (response.status_code, response["Location"]) == (302, "/services/monthly-reports/")
