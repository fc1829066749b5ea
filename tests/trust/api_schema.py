"""The API's OpenAPI document as schemathesis reads it, for the fuzz tests: the same document
/api/schema/ serves, rendered in-process (no login needed to build it), called through the WSGI
app, Hypothesis-generated examples only (schemathesis' exhaustive "coverage" phase, every
boundary of every parameter, would take tens of minutes over 100+ operations; the stateful
phase is left out too)."""

import json

import schemathesis
from django.core.wsgi import get_wsgi_application
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer


def raw_schema():
    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(document))


def in_process_schema():
    schema = schemathesis.openapi.from_dict(raw_schema())
    schema.app = get_wsgi_application()
    schema.location = "/api/schema/"
    schema.config.phases.coverage.enabled = False
    schema.config.phases.stateful.enabled = False
    return schema


def role_token(username):
    """The API token of a demo account (made if it has none), read in the caller's transaction."""
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    return Token.objects.get_or_create(user=get_user_model().objects.get(username=username))[0].key
