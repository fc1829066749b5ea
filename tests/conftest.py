"""Shared fixtures: the Xun County organisation loaded once per test session, and named
personas (a worker of 小河站, a worker of 白寺站, the bureau, the guidance center …) so
that a test reads like the story it checks."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def _chinese_by_default():
    """Every test starts in the default language: a request in English must not leak."""
    from django.utils import translation

    translation.activate("zh-hans")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The demo organisation (regions, bodies, 11 stations, staff) for every test."""
    from django.conf import settings

    from stations import demo

    with django_db_blocker.unblock():
        hashers = settings.PASSWORD_HASHERS
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        demo.seed({})
        settings.PASSWORD_HASHERS = hashers


def _user(username):
    return get_user_model().objects.select_related("staff").get(username=username)


@pytest.fixture
def xiaohe(db):
    """A social worker of 小河站."""
    return _user("xiaohe")


@pytest.fixture
def xiaohe_head(db):
    return _user("xiaohe_head")


@pytest.fixture
def baisi(db):
    """A social worker of 白寺站."""
    return _user("baisi")


@pytest.fixture
def bureau(db):
    return _user("bureau")


@pytest.fixture
def bureau_admin(db):
    return _user("admin")


@pytest.fixture
def center(db):
    return _user("center")


@pytest.fixture
def city(db):
    return _user("city")


@pytest.fixture
def auditor(db):
    return _user("auditor")


@pytest.fixture
def station_xiaohe(db):
    from stations.models import Station

    return Station.objects.get(short_name="小河站")


@pytest.fixture
def station_baisi(db):
    from stations.models import Station

    return Station.objects.get(short_name="白寺站")


@pytest.fixture
def web():
    """A browser session: ``web(user)`` returns a Django test client logged in as ``user``."""
    from django.test import Client

    def login(user):
        client = Client()
        client.force_login(user)
        return client

    return login


@pytest.fixture
def api():
    """``api(user)`` returns a DRF client authenticated as ``user``."""

    def login(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return login


@pytest.fixture
def count_queries():
    """``count_queries(fn)`` runs ``fn`` and returns how many SQL queries it made."""

    def run(fn):
        with CaptureQueriesContext(connection) as context:
            fn()
        return len(context.captured_queries)

    return run
