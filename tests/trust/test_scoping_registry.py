"""One scoping test over every model that belongs to a station, in every app (SECURITY.md
"Access", issue 8 "Done when").

The registry is not written by hand: it is every model whose ``scope_field`` leads to a
``Station`` (``apps.get_models()``), so a model added tomorrow is covered tomorrow. For each,
a record of 白寺站 from the Xun County demo (``seed_demo``, loaded once for this module and
rolled back after it) must stay invisible to a social worker of 小河站 — through the ORM
scope, the API list and detail (found from the router), the web list, search, count and
export and the web detail (found from the URL names ``<app>:<model>_list``/``_detail``) —
while the bureau, as a positive control, does see it.
"""

import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from openpyxl import load_workbook

from stations.models import Station


def _scope_target(model):
    """The model at the end of ``scope_field`` (Station for a station-scoped model)."""
    path = model.scope_field
    if path == "pk":
        return model
    current = model
    for part in path.split("__"):
        current = current._meta.get_field(part).related_model
    return current


def registry():
    models = []
    for model in apps.get_models():
        if not hasattr(model, "scope_field") or model.__name__.startswith("Historical"):
            continue
        if _scope_target(model) is Station:
            models.append(model)
    return sorted(models, key=lambda m: m._meta.label)


REGISTRY = registry()


def _api_routes(model):
    from config.urls import router

    return [prefix for prefix, viewset, _basename in router.registry
            if getattr(viewset, "queryset", None) is not None and viewset.queryset.model is model]


def _url(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _station_lookup(model):
    return "pk" if model.scope_field == "pk" else model.scope_field


@pytest.fixture(scope="module")
def county_demo(django_db_setup, django_db_blocker):
    """The whole demo county, loaded once and rolled back when the module is done."""
    with django_db_blocker.unblock():
        block = transaction.atomic()
        block.__enter__()
        try:
            call_command("seed_demo", stdout=io.StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            block.__exit__(None, None, None)


@pytest.fixture
def baisi_record(county_demo, db, settings, tmp_path):
    """``baisi_record(model)``: a record of 白寺站 that no 小河站 path reaches."""
    settings.MEDIA_ROOT = tmp_path

    def pick(model):
        baisi = Station.objects.get(short_name="白寺站")
        xiaohe = Station.objects.get(short_name="小河站")
        lookup = _station_lookup(model)
        if lookup == "pk":
            return baisi
        record = (model._default_manager.filter(**{lookup: baisi}).exclude(**{lookup: xiaohe})
                  .order_by("-pk").first())
        if record is None and model._meta.label == "services.ActivityPhoto":
            # the demo has no photo files; attach one to a 白寺站 activity
            from django.core.files.base import ContentFile

            from services.models import Activity

            activity = Activity.objects.filter(station=baisi).first()
            record = model(activity=activity, caption="爱心小屋")
            record.file.save("baisi.png", ContentFile(b"\x89PNG\r\n"), save=True)
        assert record is not None, f"the demo has no 白寺站 {model._meta.label}: add one to its app's demo.py"
        return record

    return pick


def test_the_registry_covers_every_app():
    labels = {m._meta.app_label for m in REGISTRY}
    assert {"stations", "clients", "services", "training"} <= labels
    names = {m._meta.label for m in REGISTRY}
    assert {"clients.Client", "services.Visit", "services.Case", "training.Supervision"} <= names


@pytest.mark.parametrize("model", REGISTRY, ids=lambda m: m._meta.label)
def test_a_xiaohe_worker_cannot_reach_a_baisi_record(model, baisi_record, xiaohe, bureau, web, api):
    record = baisi_record(model)
    manager = model._default_manager

    # The scope itself, and the positive control.
    assert not manager.visible_to(xiaohe).filter(pk=record.pk).exists()
    assert manager.visible_to(bureau).filter(pk=record.pk).exists()

    # The API: list (every page), count, detail.
    for prefix in _api_routes(model):
        client = api(xiaohe)
        assert client.get(f"/api/v1/{prefix}/{record.pk}/").status_code in (403, 404), f"/api/v1/{prefix}/ opens it"
        response = client.get(f"/api/v1/{prefix}/", {"page_size": 500})
        if response.status_code == 200:
            seen, body = set(), response.json()
            while True:
                rows = body["results"] if isinstance(body, dict) else body
                seen.update(row.get("id") for row in rows)
                if not isinstance(body, dict) or not body.get("next"):
                    break
                body = client.get(body["next"]).json()
            assert record.pk not in seen, f"/api/v1/{prefix}/ lists a 白寺站 record"
            if isinstance(response.json(), dict) and "count" in response.json():
                assert response.json()["count"] == len(seen), f"/api/v1/{prefix}/ counts records it does not list"
        else:
            assert response.status_code == 403, (prefix, response.status_code)  # the role may not read them at all
        if api(bureau).get(f"/api/v1/{prefix}/").status_code == 200:  # positive control
            assert api(bureau).get(f"/api/v1/{prefix}/{record.pk}/").status_code == 200

    # The web: list, search, count, export, detail.
    opts = model._meta
    list_url = _url(f"{opts.app_label}:{opts.model_name}_list")
    if list_url:
        page = web(xiaohe).get(list_url)
        if page.status_code != 403:
            assert page.status_code == 200, (list_url, page.status_code)
            listed = page.context.get("paginator")
            queryset = listed.object_list if listed is not None else page.context.get("object_list")
            if hasattr(queryset, "filter"):
                assert not queryset.filter(pk=record.pk).exists(), f"{list_url} lists a 白寺站 record"
            found = web(xiaohe).get(list_url, {"q": str(record)[:30]})
            if found.status_code == 200 and found.context.get("object_list") is not None:
                assert record.pk not in {getattr(r, "pk", None) for r in found.context["object_list"]}
            exported = web(xiaohe).get(list_url, {"export": "xlsx"})
            if exported.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
                rows = load_workbook(io.BytesIO(exported.content)).active.max_row - 1
                expected = queryset.count() if hasattr(queryset, "count") and listed is not None else rows
                assert rows == expected, f"{list_url} export ≠ its scoped list"
    detail_url = _url(f"{opts.app_label}:{opts.model_name}_detail", record.pk)
    if detail_url:
        assert web(xiaohe).get(detail_url).status_code in (403, 404), f"{detail_url} opens a 白寺站 record"


PERSON_LEVEL = [m for m in REGISTRY if getattr(m, "person_level", False)]


def test_the_person_level_models_are_declared():
    names = {m._meta.label for m in PERSON_LEVEL}
    assert {"clients.Client", "clients.Household", "services.Visit", "services.Case", "services.ActivityPhoto"} <= names


@pytest.mark.parametrize("model", PERSON_LEVEL, ids=lambda m: m._meta.label)
def test_a_city_viewer_reaches_no_person_level_record(model, baisi_record, city, bureau, web, api):
    """SPEC §1: the city (or province) viewer reads figures only. No client, household, visit,
    case or photo reaches them through the ORM scope, the API (list and detail), the web list,
    search and export, or the web detail, although the record is in their region."""
    record = baisi_record(model)
    manager = model._default_manager
    assert manager.visible_to(bureau).filter(pk=record.pk).exists()  # positive control
    assert not manager.visible_to(city).exists()

    for prefix in _api_routes(model):
        client = api(city)
        assert client.get(f"/api/v1/{prefix}/{record.pk}/").status_code in (403, 404), f"/api/v1/{prefix}/ opens it"
        response = client.get(f"/api/v1/{prefix}/")
        if response.status_code == 200:
            body = response.json()
            rows = body["results"] if isinstance(body, dict) else body
            assert rows == [], f"/api/v1/{prefix}/ lists person-level records to the city viewer"
        else:
            assert response.status_code == 403, (prefix, response.status_code)

    opts = model._meta
    list_url = _url(f"{opts.app_label}:{opts.model_name}_list")
    if list_url:
        page = web(city).get(list_url)
        if page.status_code != 403:
            assert page.status_code == 200, (list_url, page.status_code)
            listed = page.context.get("paginator")
            queryset = listed.object_list if listed is not None else page.context.get("object_list")
            if hasattr(queryset, "exists"):
                assert not queryset.exists(), f"{list_url} lists person-level records to the city viewer"
            exported = web(city).get(list_url, {"export": "xlsx"})
            if exported.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
                assert load_workbook(io.BytesIO(exported.content)).active.max_row <= 1, f"{list_url} exports people"
    detail_url = _url(f"{opts.app_label}:{opts.model_name}_detail", record.pk)
    if detail_url:
        assert web(city).get(detail_url).status_code in (403, 404), f"{detail_url} opens a person-level record"


def test_a_city_viewer_still_reads_the_figures(county_demo, city, web):
    page = web(city).get("/")
    assert page.status_code == 200
