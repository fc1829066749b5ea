"""The offline app (issue 17), server side: the roster the phone keeps (only the worker's own
station, no ID or phone number, a pinned query count), the app page, the "needs the network"
page, the service worker and the manifest under the Content-Security-Policy."""

import datetime
import json

import pytest
from django.contrib.staticfiles import finders

from clients.models import Client
from services import services
from services.offline import OFFLINE_STATIC

pytestmark = pytest.mark.django_db
ROSTER = "/api/v1/offline/roster/"


def test_roster_holds_only_what_the_phone_needs(api, xiaohe, station_xiaohe, person):
    client = person(station_xiaohe, "赵一")
    Client.objects.filter(pk=client.pk).update(phone="13800001111", village="小河村", risk_level="high")
    services.visit_record(client=client, visited_on=datetime.date(2024, 3, 4), kind="home_visit",
                          follow_up_on=datetime.date(2024, 3, 20))
    response = api(xiaohe).get(ROSTER)
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert set(row) == {"id", "station", "name", "village", "categories", "risk_level", "next_visit_due",
                        "follow_up_on"}
    assert row["name"] == "赵一" and row["village"] == "小河村" and row["risk_level"] == "high"
    assert row["categories"] == ["低保"]
    assert row["follow_up_on"] == "2024-03-20"
    assert row["next_visit_due"]
    body = response.content.decode()
    assert client.id_number not in body and "13800001111" not in body
    assert "id_number" not in body and "phone" not in body


def test_roster_is_the_workers_own_station_and_active_clients_only(api, xiaohe, baisi, bureau, city,
                                                                   station_xiaohe, station_baisi, person):
    mine = person(station_xiaohe, "赵一")
    closed = person(station_xiaohe, "钱二")
    Client.objects.filter(pk=closed.pk).update(status="closed", closed_on=datetime.date(2024, 1, 1))
    theirs = person(station_baisi, "孙三")
    assert [r["id"] for r in api(xiaohe).get(ROSTER).json()["results"]] == [mine.pk]
    assert [r["id"] for r in api(baisi).get(ROSTER).json()["results"]] == [theirs.pk]
    assert api(xiaohe).get(f"{ROSTER}{theirs.pk}/").status_code == 404
    # a county account keeps no roster on a phone, and is told so; the city viewer reads no person at all
    response = api(bureau).get(ROSTER)
    assert response.status_code == 403 and "社工站" in response.json()["detail"]
    assert api(city).get(ROSTER).status_code == 403


def test_roster_needs_a_login(station_xiaohe):
    from rest_framework.test import APIClient

    assert APIClient().get(ROSTER).status_code in (401, 403)


@pytest.mark.parametrize("rows", [3, 30])
def test_roster_query_count_does_not_grow_with_rows(api, xiaohe, station_xiaohe, person, rows,
                                                    django_assert_max_num_queries):
    for i in range(rows):
        client = person(station_xiaohe, f"居民{i}")
        services.visit_record(client=client, visited_on=datetime.date(2024, 3, 4), kind="home_visit")
    browser = api(xiaohe)
    with django_assert_max_num_queries(6):
        response = browser.get(ROSTER)
    assert len(response.json()["results"]) == rows


def test_the_app_page_carries_its_settings_and_no_inline_script(web, xiaohe, settings):
    settings.OFFLINE_WIPE_AFTER_DAYS = 3
    response = web(xiaohe).get("/services/offline/")
    assert response.status_code == 200
    page = response.content.decode()
    config = response.context["offline"]
    assert config["wipe_after_days"] == 3 and config["user"] == "xiaohe"
    assert config["urls"]["roster"] == ROSTER
    assert config["urls"]["paths"]["/services/my-day/"] == "day"
    assert config["can_visit"] and config["stations"][0]["name"] == "小河站"
    assert "<script>" not in page and 'src="/static/js/offline/app.js"' in page
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_the_app_page_needs_a_login(client):
    response = client.get("/services/offline/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_network_page_says_so(web, xiaohe):
    response = web(xiaohe).get("/services/offline/network/")
    assert response.status_code == 200
    assert "需要网络" in response.content.decode()


def test_service_worker_is_served_from_the_root_with_local_workbox(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "script-src 'self'" in response["Content-Security-Policy"]
    body = response.content.decode()
    config = json.loads(body.split("self.PORTAL_OFFLINE = ", 1)[1].split(";\n", 1)[0])
    assert config["workbox"] == "/static/vendor/workbox-sw/workbox-sw.js"
    assert set(config["modules"]) == {"workbox-core", "workbox-routing", "workbox-strategies"}
    assert "/services/visits/add/" in config["app_paths"] and config["app"] == "/services/offline/"
    assert "http" not in body  # nothing from another origin
    for url in [config["workbox"], *config["modules"].values(), *config["precache"], "/static/js/offline/sw.js"]:
        assert url.startswith("/static/") and finders.find(url.removeprefix("/static/")), url  # all ours


def test_every_cached_file_exists():
    for path in OFFLINE_STATIC:
        assert finders.find(path), path


def test_manifest_makes_the_portal_installable(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    assert manifest["start_url"] == "/services/offline/" and manifest["display"] == "standalone"
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}
    for icon in manifest["icons"]:
        assert finders.find(icon["src"].removeprefix("/static/")), icon


def test_base_page_registers_the_worker_for_a_station_worker_only(web, xiaohe, city):
    page = web(xiaohe).get("/services/my-day/").content.decode()
    assert 'id="offline-boot"' in page and 'data-offline="1"' in page and "data-offline-wipe" in page
    assert 'rel="manifest"' in page
    assert 'data-offline=""' in web(city).get("/").content.decode()
