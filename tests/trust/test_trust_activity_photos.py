"""Activity photos (SECURITY.md "Access"): a photo is sent only to a user who may see its
activity — through a view that looks it up inside ``visible_to`` — never to whoever has the
link; in production nginx sends the file from an ``internal`` location."""

import datetime
import re
from pathlib import Path

import pytest
from django.core.files.base import ContentFile

from services import services
from services.choices import ActivityKind
from services.models import ActivityPhoto

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def photo(settings, tmp_path, station_xiaohe):
    """A photo of a 小河站 activity."""
    settings.MEDIA_ROOT = tmp_path
    activity = services.activity_record(station=station_xiaohe, held_on=datetime.date(2024, 3, 4), title="重阳节敬老活动",
                                        kind=ActivityKind.FESTIVAL, participant_count=40)
    photo = ActivityPhoto(activity=activity, caption="合影")
    photo.file.save("group.png", ContentFile(PNG), save=True)
    return photo


def _url(photo):
    return f"/services/activities/photos/{photo.pk}/"


def test_the_stations_worker_gets_the_photo(web, xiaohe, photo):
    response = web(xiaohe).get(_url(photo))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG
    assert "private" in response["Cache-Control"]


def test_the_bureau_gets_the_photo(web, bureau, photo):
    response = web(bureau).get(_url(photo))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG


def test_another_stations_worker_gets_404(web, baisi, photo):
    assert web(baisi).get(_url(photo)).status_code == 404


def test_an_anonymous_visitor_is_sent_to_login(client, photo):
    response = client.get(_url(photo))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_a_missing_photo_is_404(web, bureau, photo):
    assert web(bureau).get(f"/services/activities/photos/{photo.pk + 1000}/").status_code == 404


def test_in_production_nginx_sends_the_file(settings, web, xiaohe, baisi, photo):
    settings.MEDIA_ACCEL_REDIRECT = True
    response = web(xiaohe).get(_url(photo))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/media/{photo.file.name}"
    assert response["X-Accel-Redirect"].startswith("/media/activities/")
    assert response["Content-Type"] == "image/png"
    assert response.content == b""  # nginx adds the body
    assert "X-Accel-Redirect" not in web(baisi).get(_url(photo))  # 404, nothing handed over


def test_the_activity_page_links_to_the_checked_url(web, xiaohe, photo):
    page = web(xiaohe).get(f"/services/activities/{photo.activity_id}/").content.decode()
    assert f'src="{_url(photo)}"' in page and f'href="{_url(photo)}"' in page
    assert "/media/" not in page


def test_nginx_never_serves_activity_photos_directly():
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    block = re.search(r"location /media/activities/ \{(.*?)\}", conf, re.S).group(1)
    assert re.search(r"^\s*internal;", block, re.M)
    assert re.search(r"location /media/ \{\s*return 404;", conf)
