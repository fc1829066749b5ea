"""Follow-ups drive the day (issue 16, item 1): a visit's follow-up date and a planned visit show
in "my day" and the worklist until a visit answers them; "log a visit" opens the form pre-filled;
the visit form links resources inline; a visit has at least one worker; station staff land on
"my day" after login."""

import datetime

import pytest
from django.utils import timezone

from clients.models import Client
from services import services
from services.choices import VisitKind
from services.models import FollowUp, ResourceLink, Visit
from stations.models import Staff

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def days(n):
    return today() + datetime.timedelta(days=n)


def promised(client, user, *, visited=-14, due=0):
    """A visit ``visited`` days from today that promised to come back ``due`` days from today."""
    return services.visit_record(client=client, visited_on=days(visited), kind=VisitKind.HOME_VISIT, user=user,
                                 follow_up_on=days(due))


# ---------------------------------------------------------------------------- the service


def test_a_promised_follow_up_is_open_until_a_later_visit_answers_it(person, station_xiaohe, xiaohe):
    client = person(station_xiaohe, "王秀英")
    first = promised(client, xiaohe, due=0)
    follow_up = FollowUp.objects.get(promised_by=first)
    assert follow_up.is_open and follow_up.due_on == today() and follow_up.worker == Staff.objects.get(user=xiaohe)
    assert Client.objects.get(pk=client.pk).follow_up_on == today()

    answer = services.visit_record(client=client, visited_on=today(), kind=VisitKind.PHONE_CALL, user=xiaohe)
    follow_up.refresh_from_db()
    assert follow_up.answered_by == answer and follow_up.answered_on == today()
    assert Client.objects.get(pk=client.pk).follow_up_on is None


def test_a_visit_entered_late_does_not_answer_a_later_promise(person, station_xiaohe, xiaohe):
    client = person(station_xiaohe)
    promise = promised(client, xiaohe, visited=-3, due=5)
    services.visit_record(client=client, visited_on=days(-10), kind=VisitKind.HOME_VISIT, user=xiaohe)
    assert FollowUp.objects.get(promised_by=promise).is_open


def test_editing_the_follow_up_date_moves_the_open_follow_up(person, station_xiaohe, xiaohe):
    client = person(station_xiaohe)
    visit = promised(client, xiaohe, due=3)
    services.visit_update(visit=visit, follow_up_on=days(9))
    assert FollowUp.objects.get(promised_by=visit).due_on == days(9)
    assert Client.objects.get(pk=client.pk).follow_up_on == days(9)
    services.visit_update(visit=visit, follow_up_on=None)
    assert not FollowUp.objects.filter(promised_by=visit).exists()
    assert Client.objects.get(pk=client.pk).follow_up_on is None


def test_a_planned_visit_in_the_past_or_by_a_stranger_is_refused(person, station_xiaohe, xiaohe, baisi):
    client = person(station_xiaohe)
    with pytest.raises(services.ValidationError) as error:
        services.follow_up_plan(client=client, due_on=days(-1), kind=VisitKind.HOME_VISIT, user=xiaohe)
    assert "due_on" in error.value.message_dict
    with pytest.raises(services.ValidationError) as error:
        services.follow_up_plan(client=client, due_on=days(2), kind=VisitKind.HOME_VISIT,
                                worker=Staff.objects.get(user=baisi))
    assert "worker" in error.value.message_dict
    assert not FollowUp.objects.exists()


def test_an_answered_follow_up_cannot_be_moved(person, station_xiaohe, xiaohe):
    client = person(station_xiaohe)
    follow_up = services.follow_up_plan(client=client, due_on=today(), kind=VisitKind.HOME_VISIT, user=xiaohe)
    services.visit_record(client=client, visited_on=today(), kind=VisitKind.HOME_VISIT, user=xiaohe)
    with pytest.raises(services.ValidationError):
        services.follow_up_update(follow_up=follow_up, due_on=days(4))
    follow_up.refresh_from_db()
    assert follow_up.due_on == today()


def test_a_visit_without_a_worker_is_refused_unless_someone_can_be_named(person, station_xiaohe, bureau):
    client = person(station_xiaohe)
    client.worker = None
    client.save()
    with pytest.raises(services.ValidationError) as error:
        services.visit_record(client=client, visited_on=today(), kind=VisitKind.HOME_VISIT, user=bureau)
    assert "workers" in error.value.message_dict
    assert not Visit.objects.exists()


# ---------------------------------------------------------------------------- the pages


def test_station_staff_land_on_my_day_and_the_bureau_on_the_dashboard(web, xiaohe, bureau):
    assert web(xiaohe).get("/services/start/")["Location"] == "/services/my-day/"
    assert web(bureau).get("/services/start/")["Location"] == "/"


def test_my_day_lists_follow_ups_by_when_with_counts_and_log_a_visit(web, person, station_xiaohe, xiaohe):
    due_today = person(station_xiaohe, "王秀英")
    late = person(station_xiaohe, "李桂兰")
    promised(due_today, xiaohe, due=0)
    promised(late, xiaohe, visited=-20, due=-2)
    page = web(xiaohe).get("/services/my-day/")
    sections = {s["key"]: s for s in page.context["follow_up_sections"]}
    assert [f.client for f in sections["today"]["rows"]] == [due_today] and sections["today"]["count"] == 1
    assert [f.client for f in sections["overdue"]["rows"]] == [late]
    html = page.content.decode()
    assert f"/services/visits/add/?client={due_today.pk}&amp;visited_on={today().isoformat()}&amp;kind=home_visit" in html
    assert "/services/follow-ups/?due=today" in html
    listed = web(xiaohe).get("/services/follow-ups/", {"due": "today"})
    assert [f.client for f in listed.context["object_list"]] == [due_today]


def test_the_worklist_shows_a_follow_up_due_although_the_interval_is_not(web, person, station_xiaohe, xiaohe):
    client = person(station_xiaohe)
    services.visit_record(client=client, visited_on=today(), kind=VisitKind.HOME_VISIT, user=xiaohe)
    services.follow_up_plan(client=client, due_on=days(2), kind=VisitKind.PHONE_CALL, user=xiaohe)
    page = web(xiaohe).get("/clients/worklist/", {"overdue": "follow_up"})
    assert client in list(page.context["object_list"])


def test_the_visit_form_is_pre_filled_from_the_link(web, person, station_xiaohe, station_baisi, xiaohe):
    mine, other = person(station_xiaohe, "王秀英"), person(station_baisi, "刘建华")
    form = web(xiaohe).get("/services/visits/add/", {"client": mine.pk, "visited_on": days(-1).isoformat(),
                                                      "kind": "phone_call"}).context["form"]
    assert form["clients"].value() == [mine.pk]
    assert form["visited_on"].value() == days(-1) and form["kind"].value() == "phone_call"
    form = web(xiaohe).get("/services/visits/add/", {"client": other.pk, "visited_on": "2099-01-01",
                                                      "kind": "nonsense"}).context["form"]
    assert not form["clients"].value() and form["visited_on"].value() == today()
    assert form["kind"].value() == VisitKind.HOME_VISIT


def _visit_post(client, **extra):
    data = {"clients": [client.pk], "visited_on": today().isoformat(), "kind": "home_visit",
            "resources-TOTAL_FORMS": "1", "resources-INITIAL_FORMS": "0", "resources-MIN_NUM_FORMS": "0",
            "resources-MAX_NUM_FORMS": "10"}
    data.update(extra)
    return data


def test_the_visit_form_links_a_resource_inline_and_names_the_signed_in_worker(web, person, station_xiaohe,
                                                                               xiaohe):
    client = person(station_xiaohe)
    follow_up = promised(client, xiaohe, due=0)
    response = web(xiaohe).post("/services/visits/add/", _visit_post(
        client, **{"resources-0-kind": "goods", "resources-0-description": "米面油", "resources-0-value": "120.50",
                   "resources-0-source_kind": "enterprise", "resources-0-source_name": "爱心超市"}))
    assert response.status_code == 302
    visit = Visit.objects.exclude(pk=follow_up.pk).get()
    assert list(visit.workers.all()) == [Staff.objects.get(user=xiaohe)]
    link = ResourceLink.objects.get()
    assert (link.visit, link.client, link.linked_on, str(link.value)) == (visit, client, today(), "120.50")
    assert not FollowUp.objects.open().exists()  # the visit answered the follow-up
    detail = web(xiaohe).get(visit.get_absolute_url()).content.decode()
    assert "米面油" in detail


def test_a_bad_resource_row_shows_its_error_and_saves_nothing(web, person, station_xiaohe, xiaohe):
    client = person(station_xiaohe)
    response = web(xiaohe).post("/services/visits/add/", _visit_post(
        client, **{"resources-0-kind": "goods", "resources-0-description": "米面油", "resources-0-value": "-5",
                   "resources-0-source_kind": "enterprise", "resources-0-source_name": "爱心超市"}))
    assert response.status_code == 200
    row = response.context["form"].resources.forms[0]
    assert row.errors["value"]
    assert not Visit.objects.exists() and not ResourceLink.objects.exists()


def test_resources_on_an_outing_of_several_clients_are_refused(web, person, station_xiaohe, xiaohe):
    one, two = person(station_xiaohe, "甲"), person(station_xiaohe, "乙")
    response = web(xiaohe).post("/services/visits/add/", {**_visit_post(
        one, **{"resources-0-kind": "cash", "resources-0-description": "慰问金", "resources-0-value": "100",
                "resources-0-source_kind": "donor", "resources-0-source_name": "爱心人士"}),
        "clients": [one.pk, two.pk]})
    assert response.status_code == 200 and response.context["form"].errors["clients"]
    assert not Visit.objects.exists() and not ResourceLink.objects.exists()


# ---------------------------------------------------------------------------- scope, lock, API


def test_a_xiaohe_worker_reaches_no_baisi_follow_up(web, api, person, station_baisi, baisi, xiaohe, city):
    follow_up = services.follow_up_plan(client=person(station_baisi, "刘建华"), due_on=today(),
                                        kind=VisitKind.HOME_VISIT, user=baisi)
    assert not web(xiaohe).get("/services/follow-ups/").context["object_list"]
    assert web(xiaohe).get(follow_up.get_absolute_url()).status_code == 404
    assert web(xiaohe).get(f"/services/follow-ups/{follow_up.pk}/edit/").status_code == 404
    assert api(xiaohe).get("/api/v1/follow-ups/").json()["results"] == []
    assert api(xiaohe).get(f"/api/v1/follow-ups/{follow_up.pk}/").status_code == 404
    assert web(city).get("/services/follow-ups/").status_code == 403
    assert len(api(baisi).get("/api/v1/follow-ups/").json()["results"]) == 1


def test_the_api_plans_a_follow_up_and_refuses_a_stale_edit(api, person, station_xiaohe, xiaohe, xiaohe_head):
    client = person(station_xiaohe)
    created = api(xiaohe).post("/api/v1/follow-ups/", {"client": client.pk, "due_on": days(3).isoformat(),
                                                        "kind": "phone_call"}, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    moved = api(xiaohe_head).patch(f"/api/v1/follow-ups/{body['id']}/", {"due_on": days(5).isoformat(),
                                                                         "version": body["version"]}, format="json")
    assert moved.status_code == 200
    stale = api(xiaohe).patch(f"/api/v1/follow-ups/{body['id']}/", {"due_on": days(7).isoformat(),
                                                                    "version": body["version"]}, format="json")
    assert stale.status_code == 400 and "version" in stale.json()
    assert FollowUp.objects.get().due_on == days(5)
    past = api(xiaohe).post("/api/v1/follow-ups/", {"client": client.pk, "due_on": days(-3).isoformat(),
                                                     "kind": "phone_call"}, format="json")
    assert past.status_code == 400 and "due_on" in past.json()
    assert FollowUp.objects.count() == 1


def test_a_stale_web_edit_of_a_follow_up_is_refused(web, person, station_xiaohe, xiaohe, xiaohe_head):
    client = person(station_xiaohe)
    follow_up = services.follow_up_plan(client=client, due_on=days(1), kind=VisitKind.HOME_VISIT, user=xiaohe)
    url = f"/services/follow-ups/{follow_up.pk}/edit/"
    form = web(xiaohe).get(url).context["form"]
    data = {"client": client.pk, "due_on": days(4).isoformat(), "kind": "home_visit", "note": "",
            "worker": form["worker"].value() or "", "loaded_state": form["loaded_state"].value()}
    assert web(xiaohe_head).post(url, {**data, "due_on": days(2).isoformat()}).status_code == 302
    response = web(xiaohe).post(url, data)
    assert response.status_code == 200 and response.context["form"].errors
    assert FollowUp.objects.get().due_on == days(2)
