"""The access log (issue 8 §2): every entry has user, role, time, IP, record and result; the
auditor searches and exports it; nobody edits or deletes it from the portal."""

import io

import pytest
from django.urls import NoReverseMatch, reverse
from openpyxl import load_workbook

from accounts.models import AccessLog

pytestmark = pytest.mark.django_db


def _login(client, username, password="Xunxian@2023", ip="10.1.2.3"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.fixture
def demo_passwords(django_user_model):
    for user in django_user_model.objects.filter(username__in=["xiaohe", "auditor", "admin"]):
        user.set_password("Xunxian@2023")
        user.save(update_fields=["password"])


def test_logins_are_logged_with_role_ip_and_result(client, demo_passwords):
    _login(client, "xiaohe", "wrong-password", ip="10.1.2.9")
    _login(client, "xiaohe", ip="10.1.2.3")
    failed, ok = AccessLog.objects.filter(username="xiaohe").order_by("at", "pk")
    assert (failed.action, failed.result, failed.ip) == (AccessLog.Action.LOGIN_FAILED, "failed", "10.1.2.9")
    assert (ok.action, ok.result, ok.ip, ok.role) == (AccessLog.Action.LOGIN, "ok", "10.1.2.3", "social_worker")
    assert ok.user.username == "xiaohe" and ok.at is not None


def test_exports_are_logged_with_role_ip_and_filter(web, xiaohe):
    web(xiaohe).get("/staff/", {"export": "xlsx", "q": "小河"}, REMOTE_ADDR="10.9.8.7")
    entry = AccessLog.objects.get(action=AccessLog.Action.EXPORT, username="xiaohe")
    assert (entry.role, entry.ip, entry.result) == ("social_worker", "10.9.8.7", "ok")
    assert "q=" in entry.object_repr


def test_the_client_ip_behind_the_proxy_is_the_users(client, demo_passwords, settings):
    from accounts.auth import ProxyClientIPMiddleware

    settings.PROXY_COUNT = 1
    middleware = ProxyClientIPMiddleware(lambda request: request)
    request = __import__("django.test", fromlist=["RequestFactory"]).RequestFactory().get(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9, 10.0.0.7"
    )
    assert middleware(request).META["REMOTE_ADDR"] == "10.0.0.7"  # the address nginx saw
    settings.PROXY_COUNT = 0
    plain = __import__("django.test", fromlist=["RequestFactory"]).RequestFactory().get(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9"
    )
    assert ProxyClientIPMiddleware(lambda r: r)(plain).META["REMOTE_ADDR"] == "127.0.0.1"  # not spoofable


def test_the_auditor_searches_the_log(web, auditor, xiaohe):
    web(xiaohe).get("/staff/", {"export": "xlsx"}, REMOTE_ADDR="10.9.8.7")
    page = web(auditor).get("/access-log/", {"q": "xiaohe", "action": "export"})
    assert page.status_code == 200
    rows = list(page.context["object_list"])
    assert rows and all(r.username == "xiaohe" and r.action == "export" for r in rows)
    by_ip = web(auditor).get("/access-log/", {"ip": "10.9.8.7", "role": "social_worker"})
    assert [r.username for r in by_ip.context["object_list"]] == ["xiaohe"]
    assert list(web(auditor).get("/access-log/", {"ip": "10.9."}).context["object_list"]) == []  # not a 500
    page = web(auditor).get("/access-log/").content.decode()
    assert "Social worker" in page or "社工" in page  # the role's name, not its code


def test_the_auditor_exports_the_log(web, auditor, xiaohe):
    web(xiaohe).get("/staff/", {"export": "xlsx"}, REMOTE_ADDR="10.9.8.7")
    response = web(auditor).get("/access-log/", {"export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    assert len(header) == 9  # time, user, role, action, record type, record, description, result, IP
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert any(row[1] == "xiaohe" and row[8] == "10.9.8.7" for row in rows)
    # …and the export of the log is itself logged.
    assert AccessLog.objects.filter(username="auditor", action=AccessLog.Action.EXPORT).exists()


@pytest.mark.parametrize("persona", ["xiaohe", "xiaohe_head", "bureau", "center", "city"])
def test_other_roles_cannot_read_the_log(web, persona, request):
    assert web(request.getfixturevalue(persona)).get("/access-log/").status_code == 403


def test_the_log_page_offers_no_way_to_change_it(web, auditor, bureau_admin):
    entry = AccessLog.objects.create(username="someone", action=AccessLog.Action.LOGIN)
    for user in (auditor, bureau_admin):
        client = web(user)
        assert client.post("/access-log/", {"id": entry.pk}).status_code == 405
        for suffix in ("edit/", "delete/"):
            assert client.get(f"/access-log/{entry.pk}/{suffix}").status_code == 404
    for name in ("accounts:accesslog_edit", "stations:accesslog_delete", "stations:accesslog_detail"):
        with pytest.raises(NoReverseMatch):
            reverse(name, args=[entry.pk])


@pytest.mark.parametrize("persona", ["bureau_admin", "auditor"])
def test_the_admin_cannot_add_change_or_delete_entries(web, persona, request):
    client = web(request.getfixturevalue(persona))
    entry = AccessLog.objects.create(username="someone", action=AccessLog.Action.LOGIN)
    assert client.get("/admin/accounts/accesslog/add/").status_code in (302, 403)
    assert client.post(f"/admin/accounts/accesslog/{entry.pk}/change/", {"username": "x"}).status_code in (302, 403)
    assert client.post(f"/admin/accounts/accesslog/{entry.pk}/delete/", {"post": "yes"}).status_code in (302, 403)
    assert client.post("/admin/accounts/accesslog/", {"action": "delete_selected", "_selected_action": [entry.pk],
                                                      "post": "yes"}).status_code in (200, 302, 403)
    entry.refresh_from_db()
    assert entry.username == "someone"


def test_even_a_superuser_cannot_change_or_delete_entries_in_the_admin(client, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="Root-pass-2023!")
    client.force_login(root)
    entry = AccessLog.objects.create(username="someone", action=AccessLog.Action.LOGIN)
    assert client.get("/admin/accounts/accesslog/").status_code == 200
    assert client.get("/admin/accounts/accesslog/add/").status_code == 403
    assert client.post(f"/admin/accounts/accesslog/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    client.post(f"/admin/accounts/accesslog/{entry.pk}/change/", {"username": "x", "action": "login"})
    client.post("/admin/accounts/accesslog/", {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"})
    entry.refresh_from_db()
    assert entry.username == "someone"


def test_the_api_has_no_door_to_the_log(api, bureau_admin):
    assert api(bureau_admin).get("/api/v1/access-log/").status_code == 404
    assert api(bureau_admin).get("/api/v1/accesslog/").status_code == 404
