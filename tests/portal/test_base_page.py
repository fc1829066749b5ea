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


def test_a_phone_list_folds_its_filters_behind_one_toggle(web, xiaohe):
    html = web(xiaohe).get("/services/visits/").content.decode()
    assert 'data-filters-toggle aria-controls="list-filters" aria-expanded="false"' in html
    assert html.count("filter-extra") >= 3  # every filter but the search folds
    assert 'class="col-12 col-md-4 col-xl-3"' in html  # the search stays in view
    narrowed = web(xiaohe).get("/services/visits/?kind=home_visit&q=王").content.decode()
    assert 'aria-expanded="false">\n    <i class="bi bi-funnel"></i> 筛选 <span class="badge text-bg-primary">1</span>' in narrowed


def test_a_wrong_filter_opens_the_folded_filters(web, xiaohe):
    html = web(xiaohe).get("/services/visits/?since=not-a-date").content.decode()
    assert "filter-form filters-open" in html and 'aria-expanded="true"' in html


def test_a_date_filter_has_the_pickers_type_and_a_format_hint(web, xiaohe):
    html = web(xiaohe).get("/services/visits/?since=2024-03-01").content.decode()
    assert '<input type="date" name="since" value="2024-03-01"' in html
    assert 'aria-describedby="id_since_format"' in html
    assert '<div class="form-text small mt-0" id="id_since_format">格式：年-月-日</div>' in html


def test_a_form_date_has_the_picker_and_a_format_hint(web, xiaohe):
    html = web(xiaohe).get("/services/visits/add/").content.decode()
    assert 'type="date" name="visited_on"' in html and 'aria-describedby="id_visited_on_format"' in html
    assert 'id="id_visited_on_format">格式：年-月-日</div>' in html


def test_the_theme_is_loaded_after_bootstrap_on_every_page(web, xiaohe):
    html = web(xiaohe).get("/").content.decode()
    assert html.index("bootstrap.min.css") < html.index("css/theme.css") < html.index("css/portal.css")


def test_too_short_a_password_is_refused_in_chinese(web, xiaohe):
    response = web(xiaohe).post("/accounts/password/", {
        "old_password": "Xunxian@2023", "new_password1": "aB3$", "new_password2": "aB3$"})
    assert response.status_code == 200
    assert "密码太短：至少需要 10 个字符。" in response.content.decode()
    assert "too short" not in response.content.decode()
    xiaohe.refresh_from_db()
    assert xiaohe.check_password("Xunxian@2023")


def test_an_api_url_opened_in_a_browser_answers_json(web, xiaohe):
    response = web(xiaohe).get("/api/v1/clients/", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
