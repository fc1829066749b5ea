"""The dashboard's periods run from the scope's first record (issue 18), read from the rollup's
month cells instead of eight MIN()s over the raw tables: a write counts at once (its cell is
created dirty), a deleted record stops counting once its cell is recounted, and supervisions
count too (kept in the rollup since the city-scale crawl)."""

import datetime

from reports import figures
from reports.models import StationPeriodFigures

from .test_figures import LOW, make_client, make_supervision, make_visit

D = datetime.date


def test_first_record_follows_writes_deletes_and_supervisions(db, station_xiaohe, station_baisi):
    StationPeriodFigures.objects.all().delete()
    scope = [station_xiaohe.pk]
    first = figures.first_record_date(scope)
    client = make_client(station_xiaohe, LOW)
    visit = make_visit(client, D(2019, 3, 17))
    assert figures.first_record_date(scope) == D(2019, 3, 1)  # at once: the cell waits to be recounted
    assert figures.first_record_date([station_baisi.pk]) != D(2019, 3, 1)  # another station's scope
    visit.delete()
    figures.refresh_all_dirty()
    assert figures.first_record_date(scope) == first  # an emptied, recounted month no longer counts
    make_supervision(station_xiaohe, D(2018, 6, 2), "2")
    assert figures.first_record_date(scope) == D(2018, 6, 1)
    figures.refresh_all_dirty()
    assert figures.first_record_date(scope) == D(2018, 6, 1)  # the recounted cell holds the supervision
