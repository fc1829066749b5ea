"""API twins of the web's actions (``portal.views.ObjectActionView``) and child records.

An action on one record (``POST /cases/{id}/notes/``, ``POST /dispatches/{id}/close/``) is a DRF
``@action`` of the record's viewset. It needs the same thing as its web page:

- the record in the caller's scope (``self.get_object()``, out of scope: 404),
- the role's model permission the web view checks (``record_permission("change")``, 403),
- its body validated by a serializer that names each wrong field (400, Chinese by default),
- the same service function the web view calls, in one transaction (a service's
  ``ValidationError`` answers 400 naming the field, nothing written; the audit history
  records the user through the request, as on the web).

``run_action`` does the last two.
"""

from django.db import transaction
from rest_framework import status
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from ..views import permission_name
from .viewsets import request_object


def record_permission(action, model=None):
    """A permission class: the role's ``action`` permission ("view", "add", "change") on
    ``model`` (default: the viewset's model), as ``ObjectPermissionMixin`` checks on the page."""

    class RecordPermission(BasePermission):
        def has_permission(self, request, view):
            target = model or view.queryset.model
            return bool(request.user and request.user.is_authenticated
                        and request.user.has_perm(permission_name(target, action)))

    RecordPermission.__name__ = f"Can{action.title()}{(model.__name__ if model else '')}"
    return RecordPermission


def body(request, serializer_class, **kwargs):
    """The request's JSON object validated by ``serializer_class`` (400 naming each field)."""
    serializer = serializer_class(data=request_object(request), **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def run_action(view, request, perform, *, input=None, output=None, created=False, input_kwargs=None):
    """Validate the body with ``input`` (None: no body), run ``perform(data)`` (calls the
    service) in one transaction, and answer its result serialised by ``output`` (200, or 201
    when ``created``)."""
    data = body(request, input, context=view.get_serializer_context(), **(input_kwargs or {})) \
        if input is not None else {}
    with transaction.atomic():
        result = perform(dict(data))
    serializer = output(result, context=view.get_serializer_context())
    return Response(serializer.data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
