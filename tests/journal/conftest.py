"""Journal fixtures: a month (2024-03) of activities at 小河站 and 白寺站 with photos — one the
station may publish, one it may not, and one of an activity a child took part in."""

import datetime
import io

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from clients.choices import Category
from services import services as service_writes
from services.choices import ActivityKind
from services.models import ActivityPhoto
from tests.services.conftest import person  # noqa: F401  (the services' person fixture)

MONTH = datetime.date(2024, 3, 1)


def png(colour="red"):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), colour).save(buffer, "PNG")
    return buffer.getvalue()


def photo(activity, name, *, may_publish, shows_children=False):
    record = ActivityPhoto(activity=activity, caption=name, may_publish=may_publish, shows_children=shows_children)
    record.file.save(f"{name}.png", ContentFile(png()), save=False)
    record.save()
    return record


@pytest.fixture
def month_records(settings, tmp_path, person, station_xiaohe, station_baisi):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    adult = person(station_xiaohe, "王秀英")
    child = person(station_baisi, "李小明", born=datetime.date(2015, 6, 1), category=Category.CHILDREN_IN_DISTRESS)
    fair = service_writes.activity_record(station=station_xiaohe, held_on=MONTH.replace(day=12), title="爱心义诊",
                                          kind=ActivityKind.FESTIVAL, participant_count=60, participants=[adult])
    small = service_writes.activity_record(station=station_xiaohe, held_on=MONTH.replace(day=20), title="读书会",
                                           kind=ActivityKind.OTHER, participant_count=8)
    camp = service_writes.activity_record(station=station_baisi, held_on=MONTH.replace(day=15), title="护童夏令营",
                                          kind=ActivityKind.OTHER, participant_count=30, participants=[child])
    return {
        "fair": fair, "small": small, "camp": camp,
        "unconsented": photo(fair, "未经同意的照片", may_publish=False),  # the first photo of the best activity
        "consented": photo(fair, "同意发布的照片", may_publish=True),
        "child_activity_photo": photo(camp, "夏令营合影", may_publish=True),
        "small_children": photo(small, "儿童读书照", may_publish=False, shows_children=True),
    }


@pytest.fixture
def draft(month_records, station_xiaohe, center):
    from journal import services

    return services.issue_draft(county=station_xiaohe.county, month=MONTH, user=center)
