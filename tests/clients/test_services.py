"""The registry's rules, through its service functions."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clients import services
from clients.choices import Category, ClientStatus, CloseReason, RiskLevel, Subtype
from clients.models import Client, VisitInterval
from portal.locking import ConcurrentEditError, record_state

from .conftest import new_id_number

pytestmark = pytest.mark.django_db


def test_register_fills_gender_birth_date_and_pinyin(register, station_xiaohe):
    client = register(station_xiaohe, "张三", born=datetime.date(1968, 2, 3))
    assert client.birth_date == datetime.date(1968, 2, 3)
    assert client.gender == "M"
    assert (client.name_pinyin, client.name_initials) == ("zhangsan", "zs")
    assert client.next_visit_due == client.registered_on  # never visited: due from registration


def test_register_normalises_lower_case_x_and_15_digits(station_xiaohe):
    client = services.client_register(station=station_xiaohe, name="王五", id_number="11010519491231002x")
    assert client.id_number == "11010519491231002X"
    with pytest.raises(ValidationError) as error:
        services.client_register(station=station_xiaohe, name="王五", id_number="110105491231002")
    assert "id_number" in error.value.message_dict  # the 15-digit form is the same person


def test_same_person_cannot_be_registered_twice_across_stations(xiaohe_client, station_baisi, baisi):
    with pytest.raises(ValidationError) as error:
        services.client_register(user=baisi, station=station_baisi, name="张三", id_number=xiaohe_client.id_number)
    message = error.value.message_dict["id_number"][0]
    assert "another station" in message or "其他" in message
    assert "小河" not in message and xiaohe_client.name not in message  # nothing of 小河站's record leaks
    assert Client.objects.filter(id_number=xiaohe_client.id_number).count() == 1


def test_duplicate_in_own_station_names_the_record(xiaohe_client, station_xiaohe, xiaohe):
    with pytest.raises(ValidationError) as error:
        services.client_register(user=xiaohe, station=station_xiaohe, name="张三", id_number=xiaohe_client.id_number)
    assert xiaohe_client.name in error.value.message_dict["id_number"][0]


def test_worker_cannot_register_at_another_station(xiaohe, station_baisi):
    with pytest.raises(ValidationError) as error:
        services.client_register(user=xiaohe, station=station_baisi, name="赵六", id_number=new_id_number())
    assert "station" in error.value.message_dict


def test_update_based_on_an_older_version_is_refused_naming_the_change(xiaohe_client):
    seen = record_state(xiaohe_client, ["phone", "address", "village"])  # what both editors read
    services.client_update(client=xiaohe_client, expected=seen, phone="13900001111")
    with pytest.raises(ConcurrentEditError) as error:
        services.client_update(client=xiaohe_client, expected=seen, address="新地址")
    assert list(error.value.message_dict) == ["phone"]
    assert "13900001111" in error.value.message_dict["phone"][0]
    xiaohe_client.refresh_from_db()
    assert xiaohe_client.phone == "13900001111" and xiaohe_client.address != "新地址"


def test_close_keeps_the_record_and_ends_categories(xiaohe_client):
    services.client_close(client=xiaohe_client, reason=CloseReason.MOVED_OUT, closed_on=timezone.localdate())
    xiaohe_client.refresh_from_db()
    assert xiaohe_client.status == ClientStatus.CLOSED
    assert all(m.end_on == timezone.localdate() for m in xiaohe_client.categories.all())
    assert xiaohe_client.history.count() >= 2


def test_child_category_only_under_18(register, station_xiaohe):
    adult = register(station_xiaohe, "成年人", born=datetime.date(1990, 1, 1), categories=[])
    with pytest.raises(ValidationError) as error:
        services.category_add(client=adult, category=Category.CHILDREN_IN_DISTRESS, start_on=timezone.localdate())
    assert "category" in error.value.message_dict


def test_subtype_must_fit_the_category_and_disability_needs_type_and_grade(xiaohe_client):
    with pytest.raises(ValidationError) as error:
        services.category_add(client=xiaohe_client, category=Category.EXTREME_POVERTY, subtype=Subtype.URBAN)
    assert "subtype" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.category_add(client=xiaohe_client, category=Category.DISABILITY)
    assert {"disability_type", "disability_grade"} <= set(error.value.message_dict)


def test_assessment_sets_risk_and_shortens_the_visit_rhythm(xiaohe_client, station_xiaohe):
    services.client_monitoring_update(client=xiaohe_client, last_contact_on=timezone.localdate())
    xiaohe_client.refresh_from_db()
    assert xiaohe_client.next_visit_due == timezone.localdate() + datetime.timedelta(days=90)  # 低保: quarterly
    services.assessment_record(client=xiaohe_client, risk_level=RiskLevel.HIGH)
    xiaohe_client.refresh_from_db()
    assert xiaohe_client.risk_level == RiskLevel.HIGH
    assert xiaohe_client.next_visit_due == timezone.localdate() + datetime.timedelta(days=7)  # high risk: weekly


def test_county_interval_overrides_the_default(xiaohe_client, station_xiaohe):
    services.visit_interval_save(interval=VisitInterval(), county=station_xiaohe.county,
                                 category=Category.SUBSISTENCE_ALLOWANCE, days=60)
    services.client_monitoring_update(client=xiaohe_client, last_contact_on=datetime.date(2024, 1, 1))
    xiaohe_client.refresh_from_db()
    assert xiaohe_client.next_visit_due == datetime.date(2024, 3, 1)


def test_household_has_one_head_and_members_of_its_station(register, station_xiaohe, station_baisi):
    head = register(station_xiaohe, "户主")
    household = services.household_create(station=station_xiaohe, in_distress=True, head=head)
    second = register(station_xiaohe, "第二人")
    with pytest.raises(ValidationError):
        services.household_add_member(household=household, client=second, relationship="head")
    services.household_add_member(household=household, client=second, relationship="spouse")
    other = register(station_baisi, "外站人")
    with pytest.raises(ValidationError):
        services.household_add_member(household=household, client=other, relationship="child")
    assert set(household.members.values_list("name", flat=True)) == {"户主", "第二人"}


def test_screening_record_only_for_covered_clients(xiaohe_client, baisi_client, station_xiaohe):
    campaign = services.screening_campaign_create(
        county=station_xiaohe.county, name="大排查", stations=[station_xiaohe],
        start_on=datetime.date(2024, 1, 1), end_on=timezone.localdate())
    record = services.screening_record(campaign=campaign, client=xiaohe_client, result="found", risk_level="low")
    assert record.pk
    with pytest.raises(ValidationError):
        services.screening_record(campaign=campaign, client=baisi_client, result="found")
