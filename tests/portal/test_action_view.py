"""portal.views.ObjectActionView: the one way a record's state changes from its page.

A GET shows a confirmation page; scope answers 404, the permission 403; a service's refusal is
shown and writes nothing; success redirects with the message."""

import datetime

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from portal.views import ObjectActionView
from services import services
from stations.models import Staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(xiaohe_head, station_xiaohe):
    return services.monthly_report_submit(station=station_xiaohe, month=datetime.date(2024, 3, 1), user=xiaohe_head,
                                          summary="本月探访")


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_get_on_staff_deactivate_shows_a_confirmation_page(web, bureau_admin, xiaohe):
    url = f"/staff/{xiaohe.staff.pk}/deactivate/"
    response = web(bureau_admin).get(url)
    assert response.status_code == 200
    assert "generic/object_action.html" in [t.name for t in response.templates]
    page = response.content.decode()
    assert f'action="{url}"' in page and 'method="post"' in page and "csrfmiddlewaretoken" in page
    assert f'href="{xiaohe.staff.get_absolute_url()}"' in page  # the cancel link back to the record
    assert response.context["object"] == xiaohe.staff
    xiaohe.refresh_from_db()
    assert xiaohe.is_active  # showing the page changes nothing


def test_get_on_a_monthly_report_action_shows_its_form(web, center, report):
    url = f"/services/monthly-reports/{report.pk}/return/"
    response = web(center).get(url)
    assert response.status_code == 200
    assert f'action="{url}"' in response.content.decode()
    assert "comment" in response.context["form"].fields
    report.refresh_from_db()
    assert report.status == "submitted"


def test_successful_post_redirects_back_with_the_message(web, bureau_admin, xiaohe):
    response = web(bureau_admin).post(f"/staff/{xiaohe.staff.pk}/deactivate/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302 and response["Location"] == xiaohe.staff.get_absolute_url()
    assert _messages(response) == [f"{xiaohe.staff.name} can no longer log in."]
    xiaohe.refresh_from_db()
    assert not xiaohe.is_active


def test_confirmation_page_posts_the_action(web, center, report):
    url = f"/services/monthly-reports/{report.pk}/pass/"
    browser = web(center)
    assert browser.get(url).status_code == 200
    response = browser.post(url, {"comment": "很好"})
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    report.refresh_from_db()
    assert (report.status, report.comment) == ("reviewed", "很好")


def test_out_of_scope_is_404_for_get_and_post(web, baisi, report):
    browser = web(baisi)  # 白寺站 may read monthly reports, not 小河站's
    for what in ("pass", "return", "approve", "reopen"):
        url = f"/services/monthly-reports/{report.pk}/{what}/"
        assert browser.get(url).status_code == 404, what
        assert browser.post(url, {"comment": "x"}).status_code == 404, what
    report.refresh_from_db()
    assert report.status == "submitted"


def test_an_unknown_action_is_404(web, center, report):
    assert web(center).post(f"/services/monthly-reports/{report.pk}/delete/").status_code == 404


@pytest.mark.parametrize("persona", ["xiaohe", "xiaohe_head", "center", "auditor", "city"])
def test_without_the_permission_is_403(web, request, persona, baisi):
    user = request.getfixturevalue(persona)
    url = f"/staff/{baisi.staff.pk}/deactivate/"
    assert web(user).get(url).status_code == 403
    assert web(user).post(url).status_code == 403
    baisi.refresh_from_db()
    assert baisi.is_active


def test_a_service_refusal_is_shown_and_writes_nothing(web, bureau, report):
    # the report is only submitted: the bureau cannot approve it yet
    response = web(bureau).post(f"/services/monthly-reports/{report.pk}/approve/", {"comment": "好"},
                                HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert response.redirect_chain == [(report.get_absolute_url(), 302)]
    assert "Only a report that the guidance center has reviewed can be approved." in response.content.decode()
    report.refresh_from_db()
    assert (report.status, report.comment) == ("submitted", "")
    assert not report.events.filter(action="approve").exists()


def test_own_account_cannot_be_disabled(web, bureau_admin):
    response = web(bureau_admin).post(f"/staff/{bureau_admin.staff.pk}/deactivate/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert _messages(response) == ["You cannot disable your own account."]
    bureau_admin.refresh_from_db()
    assert bureau_admin.is_active


# --- the core itself, with a view declared here ---------------------------------------------

class RenameForm(forms.Form):
    name = forms.CharField(max_length=40)


class RenameThenRefuse(ObjectActionView):
    """Writes, then the service refuses: the write must not survive."""

    queryset = Staff.objects.all()
    title = "Rename"
    form_class = RenameForm

    def perform(self, staff, request, form_data):
        Staff.objects.filter(pk=staff.pk).update(name=form_data["name"])
        raise ValidationError({"name": "That name is taken.", "active_to": "Not now."})


def _call(view, user, pk, method="post", data=None):
    request = getattr(RequestFactory(), method)("/x/", data or {})
    request.user = user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    response = view.as_view()(request, pk=pk)
    return response, [str(m) for m in request._messages]


def test_a_refusal_rolls_back_and_reshows_the_form_with_its_errors(bureau_admin, baisi):
    response, sent = _call(RenameThenRefuse, bureau_admin, baisi.staff.pk, data={"name": "改名"})
    assert response.status_code == 200 and sent == []
    form = response.context_data["form"]
    assert form.errors["name"] == ["That name is taken."]
    assert form.non_field_errors() == ["Not now."]  # a field the form lacks: shown above it
    baisi.staff.refresh_from_db()
    assert baisi.staff.name != "改名"


def test_a_refusal_without_a_form_is_a_message_and_writes_nothing(bureau_admin, baisi):
    class Refuse(ObjectActionView):
        queryset = Staff.objects.all()

        def perform(self, staff, request, form_data):
            Staff.objects.filter(pk=staff.pk).update(name="改名")
            raise ValidationError(["First.", "Second."])

    response, sent = _call(Refuse, bureau_admin, baisi.staff.pk)
    assert response.status_code == 302 and response["Location"] == baisi.staff.get_absolute_url()
    assert sent == ["First. Second."]
    baisi.staff.refresh_from_db()
    assert baisi.staff.name != "改名"


def test_a_service_callable_is_enough(bureau_admin, baisi):
    called = []

    class Declared(ObjectActionView):
        queryset = Staff.objects.all()
        success_message = "Done."

        def service(staff, request, form_data):  # noqa: N805 - called as a plain function
            called.append((staff, request.user, form_data))

    response, sent = _call(Declared, bureau_admin, baisi.staff.pk)
    assert response.status_code == 302 and sent == ["Done."]
    assert called == [(baisi.staff, bureau_admin, {})]
