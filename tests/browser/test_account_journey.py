"""The bureau admin opens an account for a new social worker of 白寺站, who logs in on a
phone and sees 白寺站 only."""

import pytest

from .conftest import PHONE

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _demo_organisation(django_db_blocker):
    # transaction=True tests start from an empty database: load the demo organisation.
    from stations import demo

    demo.seed({})


def test_admin_creates_a_worker_who_logs_in_on_a_phone(login_page, live_server):
    admin = login_page("admin")
    admin.goto(f"{live_server.url}/staff/add/")
    admin.fill("#id_username", "baisi_new")
    admin.fill("#id_password", "Qz7#kLmw2Pxv")
    admin.fill("#id_name", "白寺新社工")
    admin.select_option("#id_role", "social_worker")
    admin.select_option("#id_organisation", label="鹤壁七彩")
    admin.select_option("#id_station", label="白寺镇社会工作服务站")
    admin.fill("#id_phone", "13800001111")
    admin.click("main form button.btn-primary")
    admin.wait_for_load_state("networkidle")
    assert "白寺新社工" in admin.content()

    worker = login_page("baisi_new", "Qz7#kLmw2Pxv", viewport=PHONE)
    worker.goto(f"{live_server.url}/stations/")
    rows = worker.locator("tbody tr")
    assert rows.count() == 1 and "白寺镇社会工作服务站" in rows.first.inner_text()
    # the menu lives in an off-canvas drawer on a phone
    worker.click("button.navbar-toggler")
    assert worker.locator("#sidebar").is_visible()


def test_wrong_password_shows_a_clear_message(login_page):
    page = login_page("xiaohe", "wrong-password")
    assert "用户名或密码错误" in page.content()
