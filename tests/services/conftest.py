"""Services fixtures: a few registered people at 小河站 and 白寺站, and records about them."""

import datetime
import random

import pytest

from clients import idnumbers
from clients.choices import Category
from clients.models import CategoryMembership, Client
from services import services
from services.choices import ActivityKind, ResourceKind, SourceKind, VisitKind
from stations.choices import Role
from stations.models import Staff

_rng = random.Random(404)
REGISTERED = datetime.date(2022, 1, 1)


def _id_number(born):
    while True:
        number = idnumbers.generate(_rng, born=born, male=_rng.random() < 0.5)
        if not Client.objects.filter(id_number=number).exists():
            return number


@pytest.fixture
def person():
    """``person(station, name)``: a registered 低保 person (created directly, as a roster import would)."""

    def make(station, name="张三", born=datetime.date(1960, 5, 17), category=Category.SUBSISTENCE_ALLOWANCE,
             registered_on=REGISTERED):
        # the station's first social worker keeps in touch (a visit recorded by a script counts them)
        worker = Staff.objects.filter(station=station, role=Role.SOCIAL_WORKER).order_by("pk").first()
        client = Client.objects.create(station=station, name=name, id_number=_id_number(born), worker=worker,
                                       registered_on=registered_on, next_visit_due=registered_on)
        CategoryMembership.objects.create(client=client, category=category, start_on=registered_on)
        return client

    return make


@pytest.fixture
def worker_of():
    def get(user):
        return Staff.objects.get(user=user)

    return get


@pytest.fixture
def records(person, station_xiaohe, station_baisi, xiaohe, baisi, center):
    """One of each record at 小河站 and at 白寺站."""
    made = {}
    for key, station, user in (("xiaohe", station_xiaohe, xiaohe), ("baisi", station_baisi, baisi)):
        staff = Staff.objects.get(user=user)
        client = person(station, "王秀英" if key == "xiaohe" else "刘建华")
        day = datetime.date(2024, 3, 4)
        visit = services.visit_record(client=client, visited_on=day, kind=VisitKind.HOME_VISIT, workers=[staff],
                                      user=user, findings=f"{key} 探访")
        case = services.case_open(station=station, title=f"{key} 个案", manager=staff, clients=[client],
                                  intake_on=day)
        group = services.group_create(station=station, theme=f"{key} 小组", members=[client], created_on=day)
        services.group_session_record(group=group, held_on=day, attendance_count=10, attendees=[client])
        activity = services.activity_record(station=station, held_on=day, title=f"{key} 活动",
                                            kind=ActivityKind.FESTIVAL, participant_count=40, participants=[client])
        link = services.resource_link_record(station=station, linked_on=day, kind=ResourceKind.GOODS,
                                             description=f"{key} 物资", value="300.00",
                                             source_kind=SourceKind.ENTERPRISE, source_name="爱心企业", visit=visit)
        referral = services.referral_create(station=station, client=client, to_organisation="县残联",
                                            reason=f"{key} 转介", referred_on=day)
        dispatch = services.dispatch_send(user=center, station=station, title=f"{key} 派单",
                                          deadline=day + datetime.timedelta(days=5), sent_on=day)
        made[key] = {"client": client, "visit": visit, "case": case, "group": group, "activity": activity,
                     "resourcelink": link, "referral": referral, "dispatch": dispatch}
    return made
