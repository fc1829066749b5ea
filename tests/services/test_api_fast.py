"""The visits API serialises with its serializer's own fields (no row written by hand): the JSON
is DRF's generic ModelSerializer walk, for every kind of value."""

import datetime

import pytest

from portal.api.serializers import VersionedModelSerializer
from services import services
from services.api.serializers import VisitSerializer
from services.choices import VisitKind
from services.models import CampaignTag, Visit
from stations.models import Staff

pytestmark = pytest.mark.django_db


def test_visit_rows_are_drfs_generic_ones(station_xiaohe, xiaohe, person):
    staff = Staff.objects.get(user=xiaohe)
    tag = CampaignTag.objects.create(name="冬季走访")
    plain = services.visit_record(client=person(station_xiaohe, "张三"), visited_on=datetime.date(2024, 3, 4),
                                  kind=VisitKind.HOME_VISIT, workers=[staff])
    full = services.visit_record(client=person(station_xiaohe, "李四"), visited_on=datetime.date(2024, 3, 5),
                                 kind=VisitKind.PHONE_CALL, workers=[staff], findings="独居，需要关注。",
                                 needs="助餐", risk_level="high", follow_up_on=datetime.date(2024, 4, 1), tags=[tag])
    rows = Visit.objects.filter(pk__in=[plain.pk, full.pk]).select_related("client").prefetch_related(
        "workers", "tags").order_by("pk")
    assert "to_representation" not in VisitSerializer.__dict__  # nothing written by hand
    fast = VisitSerializer(rows, many=True).data
    # the versioned base reads the ``version`` (newest history id), then DRF's generic walk
    generic = [VersionedModelSerializer.to_representation(VisitSerializer(), visit) for visit in rows]
    assert [dict(row) for row in fast] == [dict(row) for row in generic]
    assert list(fast[1]) == VisitSerializer.Meta.fields
    assert fast[1]["tags"] == [tag.pk] and fast[1]["follow_up_on"] == "2024-04-01"


def test_the_visit_export_lists_tags_without_a_query_per_row(web, station_xiaohe, xiaohe, person, count_queries):
    import io

    from openpyxl import load_workbook

    staff = Staff.objects.get(user=xiaohe)
    tag = CampaignTag.objects.create(name="冬季走访")

    def add(n, start):
        for i in range(start, start + n):
            services.visit_record(client=person(station_xiaohe, f"对象{i}"), visited_on=datetime.date(2024, 3, 4),
                                  kind=VisitKind.HOME_VISIT, workers=[staff], tags=[tag])

    client = web(xiaohe)
    add(3, 0)
    few = count_queries(lambda: client.get("/services/visits/", {"export": "xlsx"}))
    add(27, 3)
    response = client.get("/services/visits/", {"export": "xlsx"})
    many = count_queries(lambda: client.get("/services/visits/", {"export": "xlsx"}))
    assert few == many
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    column = header.index("活动标签")
    tags = [row[column] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(tags) == 30 and all(value == "冬季走访" for value in tags)
