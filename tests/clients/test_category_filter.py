"""``/clients/?category=X``: the clients holding X today, read as one uncorrelated subquery (a
correlated EXISTS per client made 低保 take 31 s on the county demo under SQLite; 0.12-0.18 s
now, docs/scaling.md "Category lists")."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.reports.test_figures import DISABLED, LOW, make_client

D = datetime.date


def test_the_category_filter_lists_who_holds_it_today_in_one_subquery(db, web, bureau, station_xiaohe):
    holds = make_client(station_xiaohe, LOW, name="甲")
    ended = make_client(station_xiaohe, (LOW, D(2020, 1, 1), D(2021, 1, 1)), name="乙")
    other = make_client(station_xiaohe, DISABLED, name="丙")
    client = web(bureau)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/clients/", {"category": LOW, "station": station_xiaohe.pk})
    shown = {row.pk for row in response.context["object_list"]}
    assert holds.pk in shown and ended.pk not in shown and other.pk not in shown
    listing = [q["sql"] for q in queries.captured_queries if 'FROM "clients_client"' in q["sql"]
               and "clients_categorymembership" in q["sql"]]
    assert listing
    assert all("EXISTS" not in sql.upper() for sql in listing), listing


def test_a_membership_keeps_its_clients_station_when_the_person_moves(db, web, bureau, bureau_admin, register,
                                                                      station_xiaohe, station_baisi):
    """The category filter reads the memberships' copy of the client's station
    (``membership_station_idx``): moved by the edit form's service or by a roster import, the
    person is listed under their category at the new station and not at the old one."""
    from clients import services
    from clients.models import CategoryMembership, Client
    from tests.clients.test_roster import _xlsx

    moved = register(station_xiaohe, "甲")
    imported = register(station_xiaohe, "乙")
    services.client_update(client=moved, user=bureau_admin, station=station_baisi)
    row = ["乙", imported.id_number, "特困", "分散供养", "白寺镇", "", "", ""]
    result = services.roster_import(user=bureau_admin, file=_xlsx([row]), commit=True)
    assert [r.verdict for r in result.rows] == ["updated"], [(r.verdict, r.errors) for r in result.rows]
    assert Client.objects.get(pk=imported.pk).station_id == station_baisi.pk
    assert set(CategoryMembership.objects.filter(client__in=[moved, imported]).values_list("station", flat=True)) \
        == {station_baisi.pk}
    assert CategoryMembership.objects.filter(client=imported).count() == 2  # 低保, and 特困 written by the import
    client = web(bureau)
    for category, people in ((LOW, {moved.pk, imported.pk}), ("extreme_poverty", {imported.pk})):
        at_baisi = client.get("/clients/", {"category": category, "station": station_baisi.pk})
        assert {r.pk for r in at_baisi.context["object_list"]} == people
        at_xiaohe = client.get("/clients/", {"category": category, "station": station_xiaohe.pk})
        assert not {r.pk for r in at_xiaohe.context["object_list"]} & people
