"""Roster import at scale: the bulk writes keep the audit trail and make a number of queries
that does not grow with the rows (PERFORMANCE.md: 100,000 rows at >= 2,000 rows/s).

These run on SQLite (executemany) and on PostgreSQL (COPY) alike: run the file once with
DATABASE_URL pointing at PostgreSQL to cover both writers."""

import datetime
import random

import pytest
from django.utils import timezone

from clients import idnumbers, services
from clients.choices import Category
from clients.models import CategoryMembership, Client, name_keys

from .test_roster import _xlsx  # the roster file builder the roster tests share

pytestmark = pytest.mark.django_db

CATEGORIES = [("低保", "农村"), ("特困", "分散供养"), ("残疾人", "肢体二级"), ("其他", ""), ("留守老人", "")]


def _new_rows(n, seed, town="小河镇"):
    rng = random.Random(seed)
    rows, seen = [], set(Client.objects.values_list("id_number", flat=True))
    while len(rows) < n:
        born = datetime.date(1940, 1, 1) + datetime.timedelta(days=rng.randrange(25000))
        number = idnumbers.generate(rng, born=born, male=rng.random() < 0.5)
        if number in seen:
            continue
        seen.add(number)
        category, subtype = CATEGORIES[len(rows) % len(CATEGORIES)]
        rows.append([f"{rng.choice('王李张刘陈')}{rng.choice('建国秀英明华')}{len(rows)}", number, category, subtype,
                     town, "某村" if len(rows) % 3 else "", f"139{len(rows):08d}" if len(rows) % 4 else "",
                     f"某村{len(rows)}号"])
    return rows


def _roster_with_updates(register, station, new, updated, seed):
    """``new`` new people, and ``updated`` registered ones whose row changes their phone and
    address, adds a category (特困) or changes the subtype of the one they hold."""
    rows = _new_rows(new, seed)
    for i in range(updated):
        person = register(station, f"周{'甲乙丙丁'[i % 4]}{i}",
                          categories=[Category.DISABILITY] if i % 2 else [Category.SUBSISTENCE_ALLOWANCE])
        category, subtype = ("残疾人", "视力一级") if i % 2 else ("特困", "分散供养")
        rows.append([person.name, person.id_number, category, subtype, "小河镇", "新村", f"137{i:08d}", "新地址"])
    return rows


def test_history_rows_for_every_created_client_and_membership(xiaohe, register, station_xiaohe):
    rows = _roster_with_updates(register, station_xiaohe, new=40, updated=4, seed=21)
    history_before = Client.history.count(), CategoryMembership.history.count()

    result = services.roster_import(user=xiaohe, file=_xlsx(rows), commit=True)

    assert result.committed and result.counts == {"new": 40, "unchanged": 0, "updated": 4, "error": 0}
    new_clients = Client.objects.filter(id_number__in=[row[1] for row in rows[:40]])
    assert new_clients.count() == 40
    for client in new_clients:
        (created,) = client.history.all()
        assert created.history_type == "+" and created.history_user == xiaohe
        # the history row holds what was written
        for field in ("name", "id_number", "gender", "birth_date", "phone", "address", "village", "station_id",
                      "worker_id", "registered_on", "next_visit_due", "status"):
            assert getattr(created, field) == getattr(client, field), field
        (membership,) = client.categories.all()
        (membership_created,) = membership.history.all()
        assert membership_created.history_type == "+" and membership_created.history_user == xiaohe
        assert (membership_created.category, membership_created.subtype, membership_created.client_id) == (
            membership.category, membership.subtype, client.pk)
    # the updated people: one "~" row for each changed client, "+" for an added category and
    # "~" for a changed subtype, all by the importing user
    changed = Client.objects.filter(id_number__in=[row[1] for row in rows[40:]])
    for client in changed:
        latest = client.history.order_by("-history_id").first()
        assert latest.history_type == "~" and latest.history_user == xiaohe
        assert (latest.phone, latest.address) == (client.phone, "新地址")
    added = CategoryMembership.history.filter(client_id__in=changed.values("pk"), history_type="+",
                                              history_user=xiaohe)
    subtype_changed = CategoryMembership.history.filter(client_id__in=changed.values("pk"), history_type="~",
                                                        history_user=xiaohe)
    assert added.count() == 2 and {h.category for h in added} == {Category.EXTREME_POVERTY}
    assert subtype_changed.count() == 2 and {(h.disability_type, h.disability_grade) for h in subtype_changed} == {
        ("visual", 1)}
    assert Client.history.count() - history_before[0] == 40 + 4
    assert CategoryMembership.history.count() - history_before[1] == 40 + 4


def test_written_rows_match_the_roster(bureau, station_xiaohe):
    """What the bulk writers put in each column: text with commas, quotes, backslashes and line
    breaks as it was, empty text empty (not NULL), pinyin and initials as a save() sets them,
    the next visit due on the day of the import, no responsible worker for a bureau."""
    number = _new_rows(1, seed=5)[0][1]
    address = '浚县"幸福"路1号,2单元\\3室\n\\.\n后院\r\n\t东'
    rows = [["张长春", number, "低保", "城市", "小河镇", "", "", address]]
    assert services.roster_import(user=bureau, file=_xlsx(rows), commit=True).committed
    client = Client.objects.get(id_number=number)
    today = timezone.localdate()
    assert (client.name, client.address, client.village, client.phone) == ("张长春", address, "", "")
    assert (client.name_pinyin, client.name_initials) == name_keys("张长春")
    assert (client.station, client.worker, client.next_visit_due, client.registered_on) == (
        station_xiaohe, None, today, today)
    assert (client.gender, client.birth_date) == (idnumbers.gender(number), idnumbers.birth_date(number))
    assert client.created_at == client.updated_at and abs(timezone.now() - client.created_at) < datetime.timedelta(
        minutes=5)
    assert client.history.get().history_date >= client.created_at
    membership = client.categories.get()
    assert (membership.category, membership.subtype, membership.disability_type, membership.disability_grade,
            membership.start_on, membership.end_on) == (Category.SUBSISTENCE_ALLOWANCE, "urban", "", None, today, None)


def test_a_worker_becomes_the_responsible_worker_at_their_own_station(xiaohe, station_xiaohe):
    rows = _new_rows(2, seed=8)
    services.roster_import(user=xiaohe, file=_xlsx(rows), commit=True)
    assert {c.worker for c in Client.objects.filter(id_number__in=[r[1] for r in rows])} == {xiaohe.staff}
    assert all(c.station == station_xiaohe for c in Client.objects.filter(id_number__in=[r[1] for r in rows]))


def test_queries_do_not_grow_with_the_rows(xiaohe, register, station_xiaohe, count_queries):
    small = _roster_with_updates(register, station_xiaohe, new=27, updated=3, seed=31)
    large = _roster_with_updates(register, station_xiaohe, new=270, updated=30, seed=32)
    assert len(small) == 30 and len(large) == 300
    results = []

    def run(rows):
        def commit():
            results.append(services.roster_import(user=xiaohe, file=_xlsx(rows), commit=True))
        return commit

    small_queries = count_queries(run(small))
    large_queries = count_queries(run(large))
    assert [r.counts for r in results] == [{"new": 27, "unchanged": 0, "updated": 3, "error": 0},
                                           {"new": 270, "unchanged": 0, "updated": 30, "error": 0}]
    assert large_queries == small_queries, (small_queries, large_queries)
    # savepoint, stations in scope, people and memberships looked up, then for clients and
    # memberships: insert (2), history, update, history; release
    assert small_queries <= 15, small_queries
    # the re-import of the large file writes nothing, with the same few queries
    before = Client.history.count(), CategoryMembership.history.count()
    again = count_queries(run(large))
    assert results[-1].counts["unchanged"] == 300
    assert (Client.history.count(), CategoryMembership.history.count()) == before
    assert again <= small_queries


def test_preview_writes_nothing(xiaohe):
    rows = _new_rows(50, seed=41)
    result = services.roster_import(user=xiaohe, file=_xlsx(rows), commit=False)
    assert result.counts["new"] == 50 and not result.committed
    assert not Client.objects.filter(id_number__in=[r[1] for r in rows]).exists()


def test_imported_through_the_web_the_history_keeps_the_address(web, xiaohe):
    """Where the history keeps the client's IP address (portal.history.AuditHistory), the
    import's rows have the address of the request that committed it."""
    history_fields = {f.name for f in Client.history.model._meta.fields}
    rows = _new_rows(3, seed=51)
    browser = web(xiaohe)
    response = browser.post("/clients/import/", {"file": _xlsx(rows)}, REMOTE_ADDR="10.1.2.3")
    browser.post(response["Location"] + "commit/", REMOTE_ADDR="10.1.2.3")
    clients = Client.objects.filter(id_number__in=[r[1] for r in rows])
    assert clients.count() == 3
    for client in clients:
        (created,) = client.history.all()
        assert created.history_user == xiaohe
        if "ip_address" in history_fields:
            assert created.ip_address == "10.1.2.3"
            assert {h.ip_address for h in client.categories.get().history.all()} == {"10.1.2.3"}
