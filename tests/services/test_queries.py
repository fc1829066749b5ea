"""Every list page and API list makes as many queries for 30 rows as for 3."""

import datetime

import pytest
from django.utils import timezone

from services import services
from services.choices import ActivityKind, ResourceKind, SourceKind, VisitKind
from services.models import MonthlyReport
from stations.models import Staff

pytestmark = pytest.mark.django_db
DAY = datetime.date(2024, 3, 4)


def _fill(n, station, user, center, person, start=0):
    staff = Staff.objects.get(user=user)
    for i in range(start, start + n):
        client = person(station, f"对象{i}")
        visit = services.visit_record(client=client, visited_on=DAY, kind=VisitKind.HOME_VISIT, workers=[staff])
        case = services.case_open(station=station, title=f"个案{i}", manager=staff, clients=[client], intake_on=DAY)
        group = services.group_create(station=station, theme=f"小组{i}", members=[client], leader=staff,
                                      created_on=DAY)
        services.group_session_record(group=group, held_on=DAY, attendance_count=9, attendees=[client])
        services.activity_record(station=station, held_on=DAY, title=f"活动{i}", kind=ActivityKind.CULTURE,
                                 participant_count=30, participants=[client], workers=[staff])
        services.resource_link_record(station=station, linked_on=DAY, kind=ResourceKind.CASH, description=f"慰问金{i}",
                                      value="100", source_kind=SourceKind.DONOR, source_name="爱心人士",
                                      visit=visit)
        services.referral_create(station=station, client=client, to_organisation="县医保局", reason="医疗救助",
                                 referred_on=DAY, case=case)
        services.dispatch_send(user=center, station=station, title=f"派单{i}", sent_on=DAY,
                               deadline=DAY + datetime.timedelta(days=3))
        MonthlyReport.objects.create(station=station, month=datetime.date(2020 + i // 12, i % 12 + 1, 1))
        services.follow_up_plan(client=client, due_on=timezone.localdate() + datetime.timedelta(days=i % 9),
                                kind=VisitKind.PHONE_CALL, worker=staff, user=user)


PAGES = ["/services/visits/", "/services/resource-links/", "/services/cases/", "/services/groups/",
         "/services/activities/", "/services/referrals/", "/services/dispatches/", "/services/monthly-reports/",
         "/services/campaign-tags/", "/services/my-day/", "/services/follow-ups/", "/api/v1/follow-ups/",
         "/api/v1/visits/", "/api/v1/resource-links/", "/api/v1/cases/", "/api/v1/groups/", "/api/v1/activities/",
         "/api/v1/referrals/", "/api/v1/dispatches/", "/api/v1/monthly-reports/"]


def test_query_counts_do_not_grow_with_rows(web, api, xiaohe, center, station_xiaohe, person, count_queries):
    def measure():
        counts = {}
        for url in PAGES:
            client = api(xiaohe) if url.startswith("/api/") else web(xiaohe)
            counts[url] = count_queries(lambda url=url, client=client: client.get(url))
            assert client.get(url).status_code == 200, url
        return counts

    _fill(3, station_xiaohe, xiaohe, center, person)
    three = measure()
    _fill(27, station_xiaohe, xiaohe, center, person, start=3)
    thirty = measure()
    assert thirty == three
    assert max(count for url, count in three.items() if url.startswith("/api/")) <= 10


FORMS_WITH_A_CLIENT_PICKER = ["/services/visits/add/", "/services/cases/add/", "/services/groups/add/",
                              "/services/activities/add/", "/services/follow-ups/add/",
                              "/services/resource-links/add/"]


def test_a_client_picker_reads_only_the_picked_clients(web, xiaohe, center, station_xiaohe, person):
    """The picker searches; it never lists the station's clients. Select's own context built an
    option for every active client (2,000 a station at city scale: 86 ms of the visit form's
    152, make bench's crawl), so each form read them all without showing one."""
    _fill(3, station_xiaohe, xiaohe, center, person)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for url in FORMS_WITH_A_CLIENT_PICKER:
        with CaptureQueriesContext(connection) as queries:
            response = web(xiaohe).get(url)
        assert response.status_code == 200, url
        unbounded = [q["sql"] for q in queries if 'FROM "clients_client"' in q["sql"]
                     and '"clients_client"."id" IN' not in q["sql"] and 'clients_client"."id" =' not in q["sql"]]
        assert unbounded == [], (url, unbounded)
