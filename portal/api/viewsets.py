"""The base of every API viewset: scoped queryset, shared filterset, no hard deletes."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, viewsets

from .idempotency import idempotent


def request_object(request):
    """The request body of an action that reads named values: it must be an object (a JSON
    list, string or number answers 400 saying so, instead of failing on ``.get``)."""
    data = request.data
    if not isinstance(data, dict):
        raise exceptions.ValidationError({"non_field_errors": [
            _('Send a JSON object, e.g. {"name": "value"}; this body is a %(kind)s.') % {
                "kind": type(data).__name__}]})
    return data


class IdempotentPostMixin:
    """Every POST (a create or an action) honours the ``Idempotency-Key`` header
    (``portal.api.idempotency``): a retry with the same key and body answers the first result
    and writes nothing more."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authenticated, permitted, throttled
        if request.method == "POST":
            handler = getattr(self, "post", None)  # the create or the action, as routed
            if handler is not None:
                self.post = lambda request, *args, **kwargs: idempotent(
                    request, lambda: handler(request, *args, **kwargs))


class ScopedModelViewSet(IdempotentPostMixin, viewsets.ModelViewSet):
    """Lists, opens and writes only within the caller's scope; a record outside it is a 404.

    Subclasses declare ``queryset``, ``serializer_class`` and ``filterset_class`` (the same
    filterset as the web list). Records are closed, never deleted, so DELETE is not offered.
    """

    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    # A callable(rows) run once on a list page's fetched rows (as ``ObjectListView.prepare_rows``).
    prepare_rows = None

    def get_queryset(self):
        return self.queryset.visible_to(self.request.user)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None and self.prepare_rows is not None:
            page = list(page)
            self.prepare_rows(page)
        return page

    def perform_create(self, serializer):
        with transaction.atomic():
            serializer.save()

    def perform_update(self, serializer):
        with transaction.atomic():
            serializer.save()


class ScopedReadOnlyViewSet(IdempotentPostMixin, viewsets.ReadOnlyModelViewSet):
    def get_queryset(self):
        return self.queryset.visible_to(self.request.user)
