"""Every field's error at once, and a locked month said when the form opens (issue 22): a
service checks all its rules through ``portal.validators.all_errors``; nothing is written."""

import datetime

import pytest
from django.utils import timezone

from services import services
from services.choices import VisitKind
from services.models import ResourceLink, Visit

from .test_services import _approved

pytestmark = pytest.mark.django_db
TOMORROW = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()


def test_a_negative_amount_and_a_future_date_are_said_together_on_the_form(web, xiaohe):
    response = web(xiaohe).post("/services/resource-links/add/", {
        "linked_on": TOMORROW, "kind": "cash", "description": "慰问金", "value": "-5",
        "source_kind": "donor", "source_name": "爱心人士"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "负数" in " ".join(errors["value"])
    assert "晚于今天" in " ".join(errors["linked_on"])
    html = response.content.decode()
    assert "负数" in html and "晚于今天" in html
    assert not ResourceLink.objects.exists()


def test_a_visit_before_registration_with_a_follow_up_before_it_gets_both_messages(person, station_xiaohe, xiaohe):
    from django.core.exceptions import ValidationError

    client = person(station_xiaohe)
    before = client.registered_on - datetime.timedelta(days=3)
    with pytest.raises(ValidationError) as error:
        services.visit_record(client=client, visited_on=before, kind=VisitKind.HOME_VISIT, user=xiaohe,
                              follow_up_on=before - datetime.timedelta(days=1))
    assert set(error.value.message_dict) == {"visited_on", "follow_up_on"}
    assert len(error.value.message_dict["visited_on"]) == 1  # said once, not again by the model's clean
    assert not Visit.objects.exists()


def test_a_locked_month_is_said_when_the_edit_form_opens(person, station_xiaohe, xiaohe, xiaohe_head, center,
                                                         bureau, web):
    client = person(station_xiaohe)
    visit = services.visit_record(client=client, visited_on=datetime.date(2024, 3, 10), kind=VisitKind.HOME_VISIT,
                                  user=xiaohe)
    open_form = web(xiaohe).get(f"/services/visits/{visit.pk}/edit/").content.decode()
    assert "已锁定" not in open_form
    _approved(station_xiaohe, datetime.date(2024, 3, 1), xiaohe_head, center, bureau)
    response = web(xiaohe).get(f"/services/visits/{visit.pk}/edit/")
    html = response.content.decode()
    assert response.context["form"].locked_notice
    assert "2024-03" in html and "alert-warning" in html
    assert '<button type="submit" class="btn btn-primary" disabled>' in html
