"""The API's cross-cutting contract, the same for every operation and documented in the schema
(issue 14, items 3–5): every PUT and PATCH requires ``version`` (the one optimistic lock),
every POST of the core's viewsets takes an ``Idempotency-Key`` and may answer 409, what a create
needs is required, and the nested lists a resource answers but does not take are read-only."""

import json

import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer


@pytest.fixture(scope="module")
def openapi():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(schema))


def _operations(openapi, *methods):
    for path, operations in openapi["paths"].items():
        for method in methods:
            if method in operations:
                yield path, method, operations[method]


def test_every_put_and_patch_requires_the_version(openapi):
    edits = list(_operations(openapi, "put", "patch"))
    assert len(edits) >= 20
    for path, method, operation in edits:
        for media in operation["requestBody"]["content"].values():
            assert {"type": "object", "required": ["version"]} in media["schema"]["allOf"], (method, path)
        assert "`version`" in operation["description"], (method, path)


def test_every_post_documents_the_idempotency_key_and_its_409(openapi):
    posts = [(path, operation) for path, _method, operation in _operations(openapi, "post")
             if not path.startswith("/api/v1/auth/")]
    assert len(posts) >= 20
    for path, operation in posts:
        assert "Idempotency-Key" in [p["name"] for p in operation["parameters"] if p["in"] == "header"], path
        assert "409" in operation["responses"], path
        assert "400" in operation["responses"], path


@pytest.mark.parametrize(("component", "fields"), [
    ("VisitRequest", {"client", "visited_on", "kind"}),
    ("ResourceLinkRequest", {"station", "linked_on", "kind"}),
    ("ActivityRequest", {"station", "held_on", "title"}),
])
def test_what_a_create_needs_is_required(openapi, component, fields):
    assert fields <= set(openapi["components"]["schemas"][component]["required"])


def test_a_groups_sessions_are_read_only_in_the_schema(openapi):
    assert "sessions" not in openapi["components"]["schemas"]["GroupRequest"]["properties"]
    assert "sessions" in openapi["components"]["schemas"]["Group"]["properties"]
