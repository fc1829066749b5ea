"""An activity photo's consent to publication (issue 19 "Photos with consent"): off by default,
set by the station on the photo; a photo of children can never be marked publishable."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from services import services
from services.choices import ActivityKind
from services.models import ActivityPhoto

DAY = datetime.date(2024, 3, 4)


@pytest.fixture
def photos(settings, tmp_path, station_xiaohe, station_baisi):
    settings.MEDIA_ROOT = tmp_path
    made = {}
    for key, station in (("xiaohe", station_xiaohe), ("baisi", station_baisi)):
        activity = services.activity_record(station=station, held_on=DAY, title=f"{key} 活动",
                                            kind=ActivityKind.FESTIVAL, participant_count=20)
        photo = ActivityPhoto(activity=activity, caption=f"{key} 合影")
        photo.file.save(f"{key}.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)
        made[key] = photo
    return made


def test_a_photo_is_not_publishable_until_the_station_says_so(photos, xiaohe, web):
    photo = photos["xiaohe"]
    assert not photo.may_publish and not ActivityPhoto.objects.publishable(on=DAY).filter(pk=photo.pk).exists()
    url = f"/services/activities/photos/{photo.pk}/consent/"
    assert web(xiaohe).get(url).status_code == 200
    response = web(xiaohe).post(url, {"may_publish": "on"})
    assert response.status_code == 302 and response["Location"] == photo.activity.get_absolute_url()
    photo.refresh_from_db()
    assert photo.may_publish
    assert ActivityPhoto.objects.publishable(on=DAY).filter(pk=photo.pk).exists()
    assert "可公开发布" in web(xiaohe).get(photo.activity.get_absolute_url()).content.decode()


def test_a_photo_of_children_cannot_be_marked_publishable(photos, xiaohe, web):
    photo = photos["xiaohe"]
    response = web(xiaohe).post(f"/services/activities/photos/{photo.pk}/consent/",
                                {"may_publish": "on", "shows_children": "on"})
    assert response.status_code == 200
    assert "有儿童的照片不能标记为可公开发布" in response.content.decode()
    photo.refresh_from_db()
    assert not photo.may_publish and not photo.shows_children  # nothing written


def test_another_stations_photo_is_out_of_reach(photos, xiaohe, city, web):
    url = f"/services/activities/photos/{photos['baisi'].pk}/consent/"
    assert web(xiaohe).post(url, {"may_publish": "on"}).status_code == 404
    assert web(city).post(url, {"may_publish": "on"}).status_code in (403, 404)
    photos["baisi"].refresh_from_db()
    assert not photos["baisi"].may_publish


def test_a_photo_of_children_is_refused_consent_at_upload_too(settings, tmp_path, station_xiaohe):
    settings.MEDIA_ROOT = tmp_path
    activity = services.activity_record(station=station_xiaohe, held_on=DAY, title="义诊", kind=ActivityKind.HEALTH,
                                        participant_count=9)
    with pytest.raises(ValidationError):
        services.activity_photo_add(activity=activity, file=ContentFile(b"\x89PNG\r\n\x1a\n", name="a.png"),
                                    may_publish=True, shows_children=True)
    assert not activity.photos.exists()
