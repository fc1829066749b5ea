"""The benchmark's crawl (bench/run.py ``Bench.crawl``) on the test organisation: it reaches the
lists' filter options and a deep page that exists, for each user, and reports what it saw
(it had silently stopped reading filter forms, and asked page 10 of three-page lists)."""

import pytest

from bench.common import Deadline
from bench.run import Bench

pytestmark = pytest.mark.django_db


def test_the_crawl_reads_filter_options_and_existing_pages(bureau, xiaohe, city, monkeypatch):
    monkeypatch.setattr(Bench, "CRAWL_MAX_PAGES", 300)
    bench = Bench("county", Deadline(600))
    bench.bureau, bench.worker, bench.city = bureau, xiaohe, city
    bench.crawl()
    notes = bench.notes
    assert notes["crawl_errors"] == []
    assert set(notes["crawl_pages_per_user"]) == {"county bureau", "station worker", "city viewer"}
    urls = {row["url"] for row in notes["crawl_slowest_ten"]}
    assert urls and notes["crawl_pages"] > 150
    row = bench.rows[-1]
    assert row["name"] == "crawl_worst_page" and row["figure"] is not None
    seen = bench._crawled
    # filter options: a category, a status, a station of a list
    assert any("?category=" in url for _user, url in seen), "no filter option was crawled"
    assert any(url.startswith("/training/?") and "county=" in url for _user, url in seen)
