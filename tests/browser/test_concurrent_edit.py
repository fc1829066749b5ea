"""Two people edit the same record at once, each in their own browser (issue 8 §3): the
second save is told what changed and nothing is silently overwritten — a client and a station,
by the one lock of every edit form (the signed loaded state, portal.forms.OptimisticLockFormMixin)."""

import datetime
import random

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _demo_organisation(django_db_blocker):
    from stations import demo

    demo.seed({})  # live-server tests run in a flushed database


@pytest.fixture
def client_of_xiaohe(db):
    from clients import idnumbers
    from clients.models import Client
    from stations.models import Station

    return Client.objects.create(
        station=Station.objects.get(short_name="小河站"), name="孙桂英", phone="13700000001", address="小河镇一村",
        registered_on=datetime.date(2022, 3, 1),
        id_number=idnumbers.generate(random.Random(8), born=datetime.date(1950, 2, 3), male=False),
    )


def test_a_client_edited_in_two_browsers_shows_the_conflict(login_page, live_server, client_of_xiaohe):
    from clients.models import Client

    edit = f"{live_server.url}/clients/{client_of_xiaohe.pk}/edit/"
    worker, head = login_page("xiaohe"), login_page("xiaohe_head")
    worker.goto(edit)
    head.goto(edit)

    head.fill("#id_phone", "13911112222")
    head.click("main form button[type=submit]")
    head.wait_for_load_state("networkidle")
    assert f"/clients/{client_of_xiaohe.pk}/" in head.url and "/edit/" not in head.url

    worker.fill("#id_address", "小河镇二村")
    worker.click("main form button[type=submit]")
    worker.wait_for_load_state("networkidle")
    assert "/edit/" in worker.url                               # the form is shown again …
    assert worker.locator("main .alert-danger").count()         # … saying nothing was saved
    feedback = " ".join(worker.locator(".invalid-feedback").all_inner_texts())
    assert "13911112222" in feedback                            # … with what the other person changed
    assert worker.input_value("#id_address") == "小河镇二村"      # their own entry is kept in the form
    worker.screenshot(path="/tmp/trust-concurrent-client.png", full_page=True)

    saved = Client.objects.get(pk=client_of_xiaohe.pk)
    assert saved.phone == "13911112222"                         # the first save stands
    assert saved.address == "小河镇一村"                          # the second did not overwrite anything


def test_a_station_edited_in_two_browsers_shows_the_difference(login_page, live_server):
    from stations.models import Station

    station = Station.objects.get(short_name="小河站")
    edit = f"{live_server.url}/stations/{station.pk}/edit/"
    admin, head = login_page("admin"), login_page("xiaohe_head", viewport={"width": 375, "height": 812})
    admin.goto(edit)
    head.goto(edit)

    admin.fill("#id_phone", "0392-5551234")
    admin.click("main form button[type=submit]")
    admin.wait_for_load_state("networkidle")

    head.fill("#id_brand", "五室联动·新")
    head.click("main form button[type=submit]")
    head.wait_for_load_state("networkidle")
    assert "/edit/" in head.url
    assert "0392-5551234" in " ".join(head.locator(".invalid-feedback").all_inner_texts())  # what they changed
    assert head.input_value("#id_phone") == "0392-5551234"      # a field left alone takes their value
    assert head.input_value("#id_brand") == "五室联动·新"          # their own entry is kept in the form
    assert head.evaluate("document.documentElement.scrollWidth") <= 375
    head.screenshot(path="/tmp/trust-concurrent-station-375.png", full_page=True)
    station.refresh_from_db()
    assert station.phone == "0392-5551234" and station.brand != "五室联动·新"

    head.click("main form button[type=submit]")                 # saving again, having seen it, is deliberate
    head.wait_for_load_state("networkidle")
    station.refresh_from_db()
    assert station.brand == "五室联动·新" and station.phone == "0392-5551234"
