"""The client search at city scale (docs/scaling.md): results in name order, one- and
two-character names matched at the start in a county or city scope (a B-tree prefix, not a
full scan) and anywhere within one station, digits looked for in ID numbers and phones only."""

import datetime

import pytest

from clients.models import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(station_xiaohe):
    names = ["王建华", "李建华", "王建", "张三"]
    return [Client.objects.create(station=station_xiaohe, name=name, id_number=f"41062119600517{i:03d}1",
                                  phone=f"1390000{i:04d}", registered_on=datetime.date(2024, 1, 2))
            for i, name in enumerate(names)]


def _found(client, q):
    response = client.get("/clients/", {"q": q})
    assert response.status_code == 200
    return [c.name for c in response.context["object_list"]]


def test_two_characters_match_the_start_in_a_county_scope(web, bureau, people):
    assert _found(web(bureau), "王建") == ["王建", "王建华"]


def test_two_characters_match_anywhere_in_a_station(web, xiaohe, people):
    assert sorted(_found(web(xiaohe), "建华")) == ["李建华", "王建华"]


def test_three_characters_match_anywhere_in_any_scope(web, bureau, people):
    assert _found(web(bureau), "建华") == []  # two characters, county scope: start only
    assert _found(web(bureau), "李建华") == ["李建华"]


def test_digits_search_id_numbers_and_phones(web, bureau, people):
    assert _found(web(bureau), "170021") == ["王建"]  # the ID tail of the third person
    assert _found(web(bureau), "13900000003") == ["张三"]


def test_a_list_that_fits_on_one_page_costs_no_count_query(web, bureau, people, station_xiaohe, count_queries):
    Client.objects.bulk_create(
        Client(station=station_xiaohe, name=f"赵{i:02d}", id_number=f"41062119700101{i:03d}2",
               birth_date=datetime.date(1970, 1, 1), registered_on=datetime.date(2024, 1, 2))
        for i in range(60))
    client = web(bureau)
    client.get("/clients/")
    whole = count_queries(lambda: client.get("/clients/"))      # 64 people: two pages, one COUNT
    search = count_queries(lambda: client.get("/clients/", {"q": "王建华"}))  # one person: no COUNT
    assert search == whole - 1


OLD_ROWS = """{% load i18n clients_privacy clients_badges %}{% for client in object_list %}
    <tr>
      <td class="text-nowrap"><a href="{{ client.get_absolute_url }}" class="fw-semibold">{{ client.name }}</a>
        <div class="small text-body-secondary d-md-none">{{ client.station.short_name }} · {{ client.age }}{% translate "y" %}</div></td>
      <td class="text-nowrap font-monospace small">{{ client.id_number|masked_id }}</td>
      <td class="d-none d-md-table-cell">{{ client.age }}</td>
      <td>{% for m in client.current_categories %}<span class="badge text-bg-light border">{{ m.get_category_display }}</span> {% empty %}—{% endfor %}</td>
      <td class="d-none d-md-table-cell text-nowrap">{{ client.station.short_name }}</td>
      <td class="d-none d-lg-table-cell text-nowrap">{{ client.phone|phone_for:user|default:"—" }}</td>
      <td>{% risk_badge client.risk_level client.get_risk_level_display %}</td>
      <td class="text-nowrap">{% due_badge client %}</td>
    </tr>{% endfor %}"""  # noqa: E501 (the list's row template before clients.tables.ClientTable)


@pytest.mark.parametrize("username", ["bureau", "xiaohe"])
def test_the_client_table_writes_what_the_row_template_wrote(username, people, station_xiaohe):
    import re

    from django.contrib.auth import get_user_model
    from django.template import Context, Template

    from clients.models import CategoryMembership
    from clients.tables import ClientTable
    from clients.views import current_memberships

    user = get_user_model().objects.get(username=username)
    CategoryMembership.objects.create(client=people[0], category="subsistence_allowance", start_on=datetime.date(2024, 1, 2))
    CategoryMembership.objects.create(client=people[0], category="disability", start_on=datetime.date(2024, 1, 2))
    Client.objects.filter(pk=people[1].pk).update(risk_level="high", phone="")
    rows = list(Client.objects.filter(pk__in=[p.pk for p in people]).select_related("station")
                .prefetch_related(current_memberships()).order_by("pk"))
    context = {"object_list": rows, "user": user}
    old = Template(OLD_ROWS).render(Context(context))
    table = ClientTable(rows, user=user).render()
    new = table[table.index("<tbody>") + len("<tbody>"):table.index("</tbody>")]

    def normalise(html):  # the core renderer writes no whitespace between tags
        return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()

    assert normalise(new) == normalise(old)
