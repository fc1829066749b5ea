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
