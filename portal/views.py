"""Shared views every app declares its pages with (NetBox's generic views, scaled down).

A page names its ``queryset``, ``filterset_class``, ``form_class``, ``template_name`` and,
for lists, ``table_class`` (a ``portal.tables.Table``: the page's table and its export);
scoping, permissions, filtering, pagination and export happen here once.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.core.paginator import InvalidPage, Paginator
from django.db import connections, transaction
from django.http import Http404, HttpResponseRedirect, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic
from django.views.generic.detail import SingleObjectMixin

from . import access
from .forms import add_validation_error
from .xlsx import list_workbook, xlsx_response


def permission_name(model, action):
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


class ObjectPermissionMixin(LoginRequiredMixin):
    """Requires the role permission for ``action`` on the view's model (403 otherwise)."""

    action = "view"

    def get_model(self):
        return self.queryset.model

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.has_perm(permission_name(self.get_model(), self.action)):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        model = self.get_model()
        user = self.request.user
        context.update(
            model_opts=model._meta,
            can_add=user.has_perm(permission_name(model, "add")),
            can_change=user.has_perm(permission_name(model, "change")),
        )
        return context


class CappedCount(int):
    """A row count that stopped counting at the cap: shows as "500+"."""

    def __str__(self):
        return f"{int(self):,}+"


class CappedCountPaginator(Paginator):
    """Counts only as far as the pages a reader can reach from here (PERFORMANCE.md: no exact
    COUNT(*) over millions of rows per page): up to ten pages past the one asked for, at least
    ``cap`` rows. Up to that the count is exact; past it the count reads "500+" and more pages
    appear as the reader goes on (searching is the way to old rows, not page 500).

    ``exact=True`` (the list was opened from a figure, ``?exact=1``: ``EXACT_PARAM``) counts every
    row: a figure is checked against the list's total, so that total is never "500+".

    ``rows`` (a queryset of the list's model with its ``select_related``, ``prefetch_related`` and
    ``only``, and no filter) makes a page read its rows by their ids: the list's query picks the
    page's ids in a subquery (``pk IN (SELECT id … ORDER BY … LIMIT 51)``), and only those rows are
    joined and read; one query still. Picking ids needs no table row when the filters' columns are
    in an index (an index-only scan), where picking whole rows made PostgreSQL read, join and sort
    every row of the scope, or walk an ordered index through other scopes' rows: the registry's
    lists at city scale (docs/scaling.md, "The registry's lists at city scale")."""

    cap = 500
    ahead = 10

    def __init__(self, *args, wanted_page=None, exact=False, rows=None, fence=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.exact = exact
        self.rows = rows
        self.fence = fence
        try:
            wanted = max(1, int(wanted_page or 1))
        except (TypeError, ValueError):
            wanted = 1
        self.wanted = wanted
        self.limit = max(self.cap, min(wanted + self.ahead, 100_000 // max(1, self.per_page)) * self.per_page)
        self._first = None

    def _first_rows(self):
        """The first page's rows and one more, in one query: when the list fits on one page (a
        search, a station's list) that is the count too, and the page is not fetched again."""
        if self._first is None:
            self._first = list(self._slice(0, self.per_page + self.orphans + 1))
        return self._first

    def _slice(self, bottom, top):
        queryset = self.object_list
        if self.rows is None or not hasattr(queryset, "query"):
            return queryset[bottom:top]
        ordering = queryset.query.order_by or queryset.model._meta.ordering
        if self.fence is not None:
            ids = self._ids_in_order(ordering, bottom, top)
        else:
            ids = queryset.order_by(*ordering).values("pk")[bottom:top]
        return self.rows.filter(pk__in=ids).order_by(*ordering)

    def _ids_in_order(self, ordering, bottom, top):
        """The page's ids taken from ``fence`` (the list's rows before its filters: the scope)
        in the list's order, each kept when the filtered list holds it, until the page is full.

        For a filter that most of the scope passes and that is a probe per row (EXISTS: "visited
        with no service point"): PostgreSQL otherwise probes every row of the scope before it
        sorts them and takes 51 (20,000 probes, 54 ms for a county bureau at city scale), where
        the scope's ids sorted first (an index-only scan, ~8 ms) are probed in turn and the probes
        stop with the page. ``OFFSET 0`` keeps the planner from merging the sorted ids into the
        filtered query (the ORM writes no subquery in FROM; the figures engine composes its
        grouped count the same way: ``reports.figures``). The order is the subquery's, kept by
        the semi-join's outer side; the rows are read and ordered again by ``_slice``."""
        queryset = self.object_list
        connection = connections[queryset.db]
        if connection.vendor != "postgresql":  # the plain slice (no planner to steer)
            return list(queryset.order_by(*ordering).values_list("pk", flat=True)[bottom:top])
        scope_sql, scope_params = self.fence.order_by(*ordering).values("pk").query.sql_with_params()
        kept_sql, kept_params = queryset.order_by().values("pk").query.sql_with_params()
        sql = (f"SELECT s.pk FROM ({scope_sql} OFFSET 0) s(pk) WHERE s.pk IN ({kept_sql}) "
               "LIMIT %s OFFSET %s")
        with connection.cursor() as cursor:
            cursor.execute(sql, (*scope_params, *kept_params, top - bottom, bottom))
            return [pk for (pk,) in cursor.fetchall()]

    @cached_property
    def count(self):
        queryset = self.object_list
        if not hasattr(queryset, "query"):
            return super().count
        if self.wanted == 1 and len(self._first_rows()) <= self.per_page + self.orphans:
            return len(self._first)
        if self.exact:
            return queryset.order_by().values("pk").count()
        # SELECT COUNT(*) FROM (SELECT id … LIMIT limit + 1): no ordering, no joins it does not need.
        found = queryset.order_by().values("pk")[: self.limit + 1].count()
        return found if found <= self.limit else CappedCount(self.limit)

    def page(self, number):
        number = self.validate_number(number)
        if number == 1 and self._first is not None:
            count = int(self.count)
            rows = self._first if count <= self.per_page + self.orphans else self._first[: self.per_page]
            return self._get_page(rows, number, self)
        if self.rows is None:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(self._slice(bottom, top), number, self)


# The query flag of a list opened from a figure (``/services/visits/?since=…&exact=1``): the list
# shows its exact total, to be checked against the figure (SPEC §3).
EXACT_PARAM = "exact"


def page_of_rows(request, rows):
    """One page of rows computed in Python (a list ordered or filtered by what no query
    expresses: training hours behind first, needs not yet met), paged as ``ObjectListView`` pages
    a queryset: ``paginate_by`` a page, 404 past the end, and the context
    ``includes/pagination.html`` reads (``querystring`` keeps the filters, not the page or an
    export). The count is exact: the rows are all in hand."""
    paginator = Paginator(rows, ObjectListView.paginate_by)
    try:
        page = paginator.page(request.GET.get(ObjectListView.page_kwarg) or 1)
    except InvalidPage:
        raise Http404 from None
    query = request.GET.copy()
    query.pop(ObjectListView.page_kwarg, None)
    query.pop("export", None)
    return {"page_obj": page, "paginator": paginator, "is_paginated": page.has_other_pages(),
            "querystring": query.urlencode()}


class ObjectListView(ObjectPermissionMixin, generic.ListView):
    filterset_class = None
    table_class = None  # a portal.tables.Table: the page's <table>, the ?export=xlsx columns, the .only() fields
    export_title = None
    paginate_by = 50
    paginator_class = CappedCountPaginator

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        return self.paginator_class(queryset, per_page, orphans=orphans, allow_empty_first_page=allow_empty_first_page,
                                    wanted_page=self.request.GET.get(self.page_kwarg),
                                    exact=self.request.GET.get(EXACT_PARAM) == "1",
                                    rows=getattr(self, "page_rows", None),
                                    fence=getattr(self, "page_fence", None), **kwargs)

    def get_rows_queryset(self, fields):
        """The page's rows by id (``rows_by_id``): the view's ``queryset`` with ``fields`` only."""
        rows = self.queryset.all()
        return rows.only(*fields) if fields else rows

    # True: a page reads its rows by their ids (``CappedCountPaginator``'s ``rows``: the page's
    # ids picked from an index, then only those rows joined and read); ``queryset`` then holds
    # no filter, only what every row needs (``select_related``, ``prefetch_related``).
    rows_by_id = False

    def get_base_queryset(self):
        return self.queryset.visible_to(self.request.user)

    def get_queryset(self):
        queryset = self.get_base_queryset()
        if self.filterset_class is None:
            self.filterset = None
            return queryset
        self.filterset = self.filterset_class(self.request.GET or None, queryset=queryset, request=self.request)
        if not self.filterset.is_bound:
            return queryset
        filtered = self.filterset.qs
        if self.rows_by_id and getattr(self.filterset, "probe_in_order", False):
            # a filter most rows pass, probed row by row: the page's ids are taken from the
            # scope's in order (``CappedCountPaginator._ids_in_order``)
            self.page_fence = queryset
        return filtered

    def get_table_context(self):
        """More keyword arguments for the table (``Table.context``)."""
        return {}

    def get_table(self, rows=()):
        return self.table_class(rows, user=self.request.user, **self.get_table_context())

    @property
    def export_columns(self):
        return self.get_table().export_columns() if self.table_class is not None else None

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx" and self.export_columns:
            return self.export()
        return super().get(request, *args, **kwargs)

    def paginate_queryset(self, queryset, page_size):
        # The fields the table's columns read (``QuerySet.only``); the export reads every field.
        fields = self.get_table().only_fields() if self.table_class is not None else None
        if fields:
            queryset = queryset.only(*fields)
        self.page_rows = self.get_rows_queryset(fields) if self.rows_by_id else None
        paginator, page, rows, is_paginated = super().paginate_queryset(queryset, page_size)
        if self.prepare_rows is not None:
            page.object_list = rows = list(rows)
            self.prepare_rows(rows)
        return paginator, page, rows, is_paginated

    # A callable(rows) run once on the page's fetched rows, e.g. to attach related names read
    # in one query (``services.models.attach_worker_lists``); the API viewsets have the same.
    prepare_rows = None

    # Related rows only the export's columns read (``prefetch_related`` lookups).
    export_prefetch = ()

    def export(self):
        queryset = self.get_queryset().prefetch_related(*self.export_prefetch)
        title = str(self.export_title or self.get_model()._meta.verbose_name_plural)
        access.record(
            request=self.request, action="export",
            object_repr=f"{title} {self.request.GET.urlencode()}"[:200],
        )
        wb = list_workbook(title[:31], self.export_columns, queryset.iterator(chunk_size=2000))
        return xlsx_response(wb, f"{title}-{timezone.localdate():%Y%m%d}.xlsx")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(filterset=self.filterset, querystring=query.urlencode(), has_export=bool(self.export_columns))
        if self.table_class is not None:
            context["table"] = self.get_table(context["object_list"])
        return context


class ObjectDetailView(ObjectPermissionMixin, generic.DetailView):
    def get_queryset(self):
        return self.queryset.visible_to(self.request.user)


class ObjectEditView(ObjectPermissionMixin, generic.UpdateView):
    """Create (no pk in the URL) or edit a record. The form receives the user, so its
    dropdowns offer only what the user can see, and its ``save`` calls the app's service."""

    template_name = "generic/object_edit.html"
    success_message = _("Saved.")

    def get_model(self):
        return self.form_class._meta.model if self.queryset is None else self.queryset.model

    @property
    def action(self):
        return "change" if self.kwargs.get("pk") else "add"

    def get_object(self, queryset=None):
        if not self.kwargs.get("pk"):
            return None
        return super().get_object(self.queryset.visible_to(self.request.user))

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def form_valid(self, form):
        try:
            with transaction.atomic():
                self.object = form.save()
        except ValidationError as error:  # a service's rule, e.g. a concurrent edit: shown, nothing saved
            add_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())

    def get_success_url(self):
        return self.object.get_absolute_url()


class ObjectActionView(ObjectPermissionMixin, SingleObjectMixin, generic.base.TemplateResponseMixin, generic.View):
    """A state change of one record (submit, approve, close, mark paid...) posted from its page.

    Declare ``queryset`` (scoped here by ``visible_to``: out of scope answers 404), ``action``
    (the permission, e.g. "change"), ``title`` (the action's name, shown on the confirmation
    page), ``success_message``, and either ``service`` (a callable ``service(obj, request,
    form_data)``) or a ``perform(obj, request, form_data)`` method that calls the app's service.
    An action that takes input names a ``form_class`` (built with ``get_form_kwargs()``: with
    ``form_object_kwarg`` set, the record under that name and the user); with no ``service``
    and no ``perform``, such an action saves its form (``form.save()`` calls the service).

    POST runs ``perform`` in one transaction and redirects to ``get_success_url()`` (the
    record's page, ``get_object_url()``, by default) with the success message. A
    ``ValidationError`` from the service writes nothing: it becomes an error message and a
    redirect back to the record, or, when a form is used, the form re-shown with the errors on
    its fields (``portal.forms.add_validation_error``). ``errors_as_messages = True`` makes
    an action whose form sits on the record's own page answer form errors the first way too;
    ``detail_view`` (with ``form_context_name``) re-renders that page with the form instead.
    GET shows a confirmation page (``generic/object_action.html``) whose form posts here.
    """

    action = "change"
    template_name = "generic/object_action.html"
    title = gettext_lazy("Confirm")
    success_message = gettext_lazy("Saved.")
    service = None
    form_class = None
    errors_as_messages = False
    detail_view = None
    form_context_name = "form"
    form_object_kwarg = None

    def get_queryset(self):
        return self.queryset.visible_to(self.request.user)

    def get_title(self):
        return self.title

    def get_form_kwargs(self):
        if self.form_object_kwarg is None:
            return {}
        return {self.form_object_kwarg: self.object, "user": self.request.user}

    def get_form(self, data=None):
        if self.form_class is None:
            return None
        return self.form_class(data, **self.get_form_kwargs())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(title=self.get_title(), cancel_url=self.get_cancel_url(), object_opts=self.object._meta)
        return context

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.render_to_response(self.get_context_data(form=self.get_form()))

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.form = form = self.get_form(request.POST)
        if form is not None and not form.is_valid():
            return self.form_invalid(form)
        try:
            with transaction.atomic():
                self.result = self.perform(self.object, request, form.cleaned_data if form is not None else {})
        except ValidationError as error:  # a service's rule: shown, nothing written
            if form is not None and not self.errors_as_messages:
                add_validation_error(form, error)
                return self.form_invalid(form)
            return self.service_error(error)
        message = self.get_success_message()
        if message:
            messages.success(request, message)
        return HttpResponseRedirect(self.get_success_url())

    def perform(self, obj, request, form_data):
        service = type(self).service
        if service is None:
            if self.form is not None:
                return self.form.save()
            raise ImproperlyConfigured(f"{type(self).__name__} declares neither service, perform() nor form_class")
        return service(obj, request, form_data)

    def get_success_message(self):
        return self.success_message

    def get_object_url(self):
        """The record's page: where success, a refusal and "cancel" lead unless told otherwise."""
        return self.object.get_absolute_url()

    def get_success_url(self):
        return self.get_object_url()

    def get_cancel_url(self):
        return self.get_object_url()

    def get_error_url(self):
        return self.get_object_url()

    def error_messages(self, error):
        """The messages of a ValidationError (or of a form's errors), each once, in order."""
        found = error.messages if isinstance(error, ValidationError) else [
            str(message) for messages_ in error.values() for message in messages_]
        return list(dict.fromkeys(found))

    def service_error(self, error):
        messages.error(self.request, " ".join(self.error_messages(error)))
        return HttpResponseRedirect(self.get_error_url())

    def form_invalid(self, form):
        if self.errors_as_messages:
            return self.service_error(form.errors)
        if self.detail_view is not None:
            view = self.detail_view()
            view.setup(self.request, *self.args, **self.kwargs)
            view.object = self.object
            context = view.get_context_data(object=self.object, **{self.form_context_name: form})
            return render(self.request, view.template_name, context, status=400)
        return self.render_to_response(self.get_context_data(form=form))


def action_switch(kwarg="what", **views):
    """One URL whose last part names the action (``cases/<pk>/<str:what>/``): the view of that
    name answers; an unknown name is a 404."""
    classes = dict(views)
    views = {name: view.as_view() for name, view in views.items()}

    def view(request, *args, **kwargs):
        chosen = views.get(kwargs.get(kwarg))
        if chosen is None:
            raise Http404
        return chosen(request, *args, **kwargs)

    view.action_views = classes  # the actions by name (the API parity test lists them)
    return view


# --- Error pages (config/urls.py's handler400/403/404/500) ----------------------------------

def wants_json(request):
    """API callers get JSON errors: a path under /api/ (but not the HTML docs page), or an
    Accept header asking for JSON and not for HTML."""
    if request.path.startswith("/api/") and not request.path.startswith("/api/docs/"):
        return True
    accept = request.META.get("HTTP_ACCEPT", "")
    return "application/json" in accept and "text/html" not in accept


ERROR_DETAILS = {
    400: _("Bad request."),
    403: _("You do not have permission to perform this action."),
    404: _("Not found."),
    500: _("A server error occurred. It has been logged; please try again later."),
}


def _json_error(status):
    # DRF's error shape: {"detail": "..."}
    return JsonResponse({"detail": str(ERROR_DETAILS[status])}, status=status)


def _error_page(template, status):
    def view(request, exception=None):
        if wants_json(request):
            return _json_error(status)
        return render(request, template, status=status)

    return view


bad_request = _error_page("errors/400.html", 400)
permission_denied = _error_page("errors/403.html", 403)
page_not_found = _error_page("errors/404.html", 404)


def server_error(request):
    if wants_json(request):
        return _json_error(500)
    # No context processors: the failure may be in one of them.
    from django.template import loader

    return HttpResponseServerError(loader.get_template("errors/500.html").render())


def favicon(request):
    """Browsers ask for /favicon.ico whatever a page names: send them to the portal's icon (its
    static URL is read per request, so a missing manifest entry never breaks the URLconf)."""
    from django.templatetags.static import static

    return HttpResponseRedirect(static("img/favicon.svg"))
