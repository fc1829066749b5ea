"""The group list's figures (members, sessions, first session, attendance) are each a correlated
subquery per listed group: counted over the joins of members and sessions, a county's 300 groups
fanned out to 10,000 rows before the period's filters, in the page query and in its count (47 + 19
ms for a county bureau at city scale; docs/scaling.md, "The registry's lists at city scale").
Same figures as the joined counts, and the count joins nothing."""

import datetime

from django.db import connection
from django.db.models import Count, Min, Sum
from django.test.utils import CaptureQueriesContext

from services import services
from services.models import Group
from stations.models import Staff

D = datetime.date


def test_the_group_list_counts_per_group_as_the_joins_did(db, web, xiaohe, station_xiaohe, person, monkeypatch):
    staff = Staff.objects.get(user=xiaohe)
    people = [person(station_xiaohe, f"组员{i}") for i in range(4)]
    busy = services.group_create(station=station_xiaohe, theme="多节小组", members=people, leader=staff,
                                 created_on=D(2025, 1, 5))
    for day, count in ((D(2025, 2, 1), 4), (D(2025, 1, 10), 3), (D(2025, 3, 1), 2)):
        services.group_session_record(group=busy, held_on=day, attendance_count=count, attendees=people[:2])
    services.group_create(station=station_xiaohe, theme="未开节", members=people[:1], leader=staff,
                          created_on=D(2025, 4, 1))
    services.group_create(station=station_xiaohe, theme="无组员", leader=staff, created_on=D(2025, 4, 2))

    client = web(xiaohe)
    page = client.get("/services/groups/", {"exact": "1"})
    shown = {group.pk: (group.member_count, group.session_count, group.first_session_on, group.attendance_total)
             for group in page.context["object_list"]}
    joined = {row["pk"]: (row["m"], row["s"], row["first"]) for row in Group.objects.filter(
        station=station_xiaohe).values("pk").annotate(
        m=Count("members", distinct=True), s=Count("sessions", distinct=True), first=Min("sessions__held_on"))}
    # attendance summed over the sessions alone (joined with the members it would be multiplied)
    joined = {pk: (*figures, Group.objects.get(pk=pk).sessions.aggregate(n=Sum("attendance_count"))["n"])
              for pk, figures in joined.items()}
    assert shown == joined
    assert shown[busy.pk] == (4, 3, D(2025, 1, 10), 9)
    monkeypatch.setattr("services.views.GroupListView.paginate_by", 1)  # a count, past one page
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/services/groups/", {"exact": "1"}).context["paginator"].count == 3
    counts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT(*)")
              and '"services_group"' in q["sql"]]
    assert counts and all("JOIN" not in sql for sql in counts), counts
