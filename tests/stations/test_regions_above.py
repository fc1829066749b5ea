"""The regions above a scope (its counties, their cities and provinces) come with the scope query
for county, city and province users (``Scope.regions``): the same ids as the subquery a
station's scope still uses, and the same rows reached through ``Reach.above`` (the region
dropdowns of a city viewer's lists built three nested subqueries of them: bench crawl)."""

import dataclasses

import pytest
from django.contrib.auth import get_user_model

from portal.scoping import scope_for
from stations.models import Region
from stations.scoping import compute_scope, regions_above

pytestmark = pytest.mark.django_db


def _by_subquery(scope):
    return set(Region.objects.filter(pk__in=regions_above(dataclasses.replace(scope, regions=None)))
               .values_list("pk", flat=True))


@pytest.mark.parametrize("username", ["bureau", "center", "city", "province"])
def test_the_scope_query_reads_the_regions_above(username):
    user = get_user_model().objects.select_related("staff").filter(username=username).first()
    if user is None:
        pytest.skip(f"no demo account {username}")
    scope = compute_scope(user)
    assert scope.regions is not None
    assert set(scope.regions) == _by_subquery(scope)
    assert set(scope.county_ids) < set(scope.regions)  # and a city above them at least
    assert regions_above(scope) == sorted(scope.regions)


def test_a_station_scope_still_asks_the_database(xiaohe):
    scope = scope_for(xiaohe)
    assert scope.regions is None
    assert _by_subquery(scope) == set(Region.objects.filter(pk__in=regions_above(scope)).values_list("pk", flat=True))
    assert _by_subquery(scope)  # its county, city and province


@pytest.mark.parametrize("username", ["bureau", "city"])
def test_the_region_dropdowns_reach_the_same_regions(username, monkeypatch):
    user = get_user_model().objects.select_related("staff").get(username=username)
    with_ids = set(Region.objects.visible_to(user).values_list("pk", flat=True))
    import portal.scoping

    original = portal.scoping._compute_scope
    monkeypatch.setattr(portal.scoping, "_compute_scope",
                        lambda u: dataclasses.replace(original(u), regions=None))
    fresh = get_user_model().objects.select_related("staff").get(username=username)
    assert with_ids and set(Region.objects.visible_to(fresh).values_list("pk", flat=True)) == with_ids
