"""Scope is declared, not written: every scoped model declares how it reaches a scope
(``scope_field`` or ``Reach``) and the core derives ``visible_to`` from it."""

import pytest
from django.apps import apps

from portal.scoping import Reach, ScopedQuerySet, reach_filter, reach_of, scope_for


def _scoped_models():
    return [m for m in apps.get_models()
            if hasattr(m._default_manager, "visible_to") and not m.__name__.startswith("Historical")]


def test_no_model_writes_its_own_visible_to():
    models = _scoped_models()
    assert len(models) > 30
    for model in models:
        queryset = type(model._default_manager.get_queryset())
        assert issubclass(queryset, ScopedQuerySet), model._meta.label
        assert queryset.visible_to is ScopedQuerySet.visible_to, f"{model._meta.label} writes its own visible_to"
        assert reach_of(model) is not None, f"{model._meta.label} declares neither scope_field nor reach"


@pytest.mark.parametrize("username", ["xiaohe", "bureau", "city", "auditor"])
def test_every_declaration_builds_a_query(username, django_user_model):
    user = django_user_model.objects.select_related("staff").get(username=username)
    scope = scope_for(user)
    for model in _scoped_models():
        list(model._default_manager.visible_to(user)[:1])  # the SQL is valid on this database
        if not (not scope.people and getattr(model, "person_level", False)):
            reach_filter(model, scope, user)


def test_a_region_owned_record_reaches_the_counties_below_and_no_other(db, xiaohe, bureau, city):
    from stations.choices import RegionLevel
    from stations.models import Region
    from training.models import IncentivePolicy

    county = xiaohe.staff.station.county
    other_county = Region.objects.create(code="410699", name="别的县", level=RegionLevel.COUNTY, parent=county.parent)
    money = {f"{kind}_{level}": 0 for kind in ("award", "subsidy") for level in ("assistant", "intermediate", "senior")}
    mine = IncentivePolicy.objects.create(region=county.parent, name="市级持证奖励", valid_from="2024-01-01", **money)
    theirs = IncentivePolicy.objects.create(region=other_county, name="别县持证奖励", valid_from="2024-01-01", **money)
    for user in (xiaohe, bureau):
        visible = set(IncentivePolicy.objects.visible_to(user).values_list("pk", flat=True))
        assert mine.pk in visible and theirs.pk not in visible


def test_a_reach_through_another_record_follows_its_reach():
    from funding.models import PaymentInstalment

    assert reach_of(PaymentInstalment) == Reach(via="contract")


def test_a_reach_across_a_to_many_relation_is_an_exists_tried_after_the_county():
    """A training reaches a county's users by its county, and a station's by its attendees: the
    attendees' arm is an EXISTS tried last, so a county's rows are never looked up through their
    attendance (as ``pk IN (SELECT …)`` PostgreSQL hashed a city's every attendance for each of
    the training list's three queries: make bench, crawl_worst_page)."""
    from portal.scoping import Scope, reach_filter
    from training.models import Training

    scope = Scope(frozenset({1, 2}), frozenset({7}))
    sql = str(Training.objects.filter(reach_filter(Training, scope, None)).query)
    where = sql.split(" WHERE ", 1)[1]
    assert where.index('"county_id" IN (7)') < where.index("EXISTS(")
    assert " IN (SELECT" not in where
