"""Every page's frame (issue 22's small cuts): a skip link to the content, a named account
button, each language offered in its own name, and /favicon.ico answered."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_page_has_a_skip_link_to_its_main_content(web, xiaohe):
    html = web(xiaohe).get("/services/visits/").content.decode()
    assert 'href="#main"' in html and "跳到正文" in html
    assert 'id="main"' in html
    assert html.index('href="#main"') < html.index("<nav")  # the first thing a keyboard reaches


def test_the_account_button_has_a_name_on_a_phone_too(web, xiaohe):
    html = web(xiaohe).get("/").content.decode()
    assert 'aria-label="账号菜单: ' in html


def test_each_language_is_offered_in_its_own_name(web, xiaohe):
    html = web(xiaohe).get("/").content.decode()
    assert ">English</button>" in html and ">简体中文</button>" in html
    assert "英语" not in html


def test_favicon_ico_leads_to_the_portals_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"].endswith("favicon.svg")


def test_a_group_of_checkboxes_is_a_fieldset_named_by_its_legend(web, xiaohe):
    html = web(xiaohe).get("/services/visits/add/").content.decode()
    assert "<fieldset" in html and "<legend" in html
    assert 'for=""' not in html
