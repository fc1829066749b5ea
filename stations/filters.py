import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.filters import ListedChoiceFilter, SearchFilterSet, YearFilter

from .choices import CertificateLevel, OrganisationKind, RegionLevel, Role, ServicePointKind
from .models import Certificate, Organisation, Region, ServicePoint, Staff, Station


class StaffChoiceFilter(ListedChoiceFilter):
    """A staff dropdown that stays short at city scale (1,000 workers): it lists the staff of the
    chosen station (the ``station`` parameter, or the user's only station) and the one already
    chosen; with several stations and none chosen it asks for a station first. Any staff member
    in the user's scope is still accepted in the URL (links from the dashboard's caseload)."""

    def __init__(self, *args, station_param="station", **kwargs):
        self.station_param = station_param
        kwargs.setdefault("label_field", "name")
        super().__init__(*args, **kwargs)

    @property
    def field(self):
        field = super().field
        if field.offered is None:
            self._offer(field)
        return field

    def _offer(self, field):
        from portal.scoping import scope_for

        request, data = self.parent.request, self.parent.data or {}
        scope = scope_for(request.user) if request is not None else None
        if scope is not None and scope.station_ids is not None and len(scope.station_ids) <= 1:
            field.offer(field.queryset)
            return
        name = next((key for key, value in self.parent.filters.items() if value is self), None)
        wanted = Q()
        station = str(data.get(self.station_param) or "")
        if station.isdigit():
            wanted |= Q(station_id=int(station))
        chosen = str(data.get(name) or "") if name else ""
        if chosen.isdigit():
            wanted |= Q(pk=int(chosen))
        if not wanted:
            field.offer(field.queryset.none(), empty_label=_("Choose a station first"))
        else:
            field.offer(field.queryset.filter(wanted))


class StationChoiceFilter(ListedChoiceFilter):
    """The stations of the user's scope by name. For a county or city user the scope query has
    already read them (``Scope.station_names``): the dropdown costs no query of its own, nor the
    building of one (its rows, listed and accepted, are those names)."""

    def get_queryset(self, request):
        from portal.scoping import scope_for

        if request is not None and scope_for(request.user).station_names:
            # only the model is read from it (a city's 100 ids built into a filter per list page
            # were ~2 ms of each: pyinstrument, the county bureau's /clients/); none of its rows,
            # so that nothing could ever list or accept a station from it unscoped
            return self.queryset.none()
        return super().get_queryset(request)

    @property
    def field(self):
        field = super().field
        if field.offered is None:
            from portal.scoping import scope_for

            request = self.parent.request
            names = scope_for(request.user).station_names if request is not None else ()
            if names:
                field.offer_rows(names)
        return field


def station_filter(field_name="station"):
    return StationChoiceFilter(field_name=field_name, queryset=Station.objects.all(), label=_("station"),
                               label_field="name")


def region_filter(field_name, level):
    """A county (``level="county"``) or city dropdown of the user's scope, listed and checked in
    one query (``Region``'s reach: the scope's counties and the cities above them): a region
    outside the scope is refused like a station outside it ("select a valid choice", a 400 in
    the API), never quietly read as "all". The county or city dashboards of a city or province
    viewer link their figures to lists narrowed by it."""
    label = _("county") if level == RegionLevel.COUNTY else _("city")
    return ListedChoiceFilter(field_name=field_name, queryset=Region.objects.filter(level=level).order_by("code"),
                              label=label, label_field="name")


class RegionFilterSet(SearchFilterSet):
    search_fields = ("name", "code")
    level = django_filters.ChoiceFilter(choices=RegionLevel.choices, label=_("level"))
    parent = django_filters.NumberFilter(field_name="parent", label=_("parent"))

    class Meta:
        model = Region
        fields = ["level", "parent"]


class StationFilterSet(SearchFilterSet):
    search_fields = ("name", "short_name", "brand", "address")
    county = region_filter("county", RegionLevel.COUNTY)
    city = region_filter("county__parent", RegionLevel.CITY)
    operator = django_filters.ModelChoiceFilter(
        queryset=Organisation.objects.filter(kind=OrganisationKind.PROVIDER), label=_("operating organisation")
    )

    # The ``stations`` figure (SPEC §3): stations open on that day (the end of the figure's period).
    open_on = django_filters.DateFilter(method="filter_open_on", label=_("open on"))

    class Meta:
        model = Station
        fields = ["q", "city", "county", "operator", "open_on"]

    def filter_open_on(self, queryset, name, value):
        return queryset.open_on(value)


class OrganisationFilterSet(SearchFilterSet):
    search_fields = ("name", "short_name", "contact")

    class Meta:
        model = Organisation
        fields = ["q", "kind", "region", "is_active"]


class StaffFilterSet(SearchFilterSet):
    search_fields = ("name", "user__username", "phone")
    station = station_filter()
    role = django_filters.ChoiceFilter(choices=Role.choices, label=_("role"))
    active = django_filters.BooleanFilter(method="filter_active", label=_("on duty"))
    # The ``social_workers`` figure's staff (SPEC §3): workers on duty on that day (the end of the
    # figure's period), by the same queryset methods the figures engine counts with.
    counted_on = django_filters.DateFilter(method="filter_counted_on", label=_("social workers on duty on"))
    # one county or city of a city's or province's scope (the city or province viewer's county and
    # city dashboards link their social workers here)
    county = region_filter("station__county", RegionLevel.COUNTY)
    city = region_filter("station__county__parent", RegionLevel.CITY)

    class Meta:
        model = Staff
        fields = ["q", "station", "role", "organisation", "active", "counted_on", "county", "city"]

    def filter_counted_on(self, queryset, name, value):
        return queryset.active(on=value).workers()

    def filter_active(self, queryset, name, value):
        active = queryset.active()
        return active if value else queryset.exclude(pk__in=active.values("pk"))


class CertificateFilterSet(SearchFilterSet):
    """Qualification certificates of the workers (the incentives are computed from them)."""

    search_fields = ("staff__name", "number")
    station = station_filter("staff__station")
    level = django_filters.ChoiceFilter(choices=CertificateLevel.choices, label=_("level"))
    year = YearFilter(field_name="issued_on", lookup_expr="year", label=_("year obtained"))

    class Meta:
        model = Certificate
        fields = ["q", "station", "level", "year"]


class ServicePointChoiceFilter(ListedChoiceFilter):
    """The ``service_point`` filter of the lists of clients, visits, activities and groups (the
    dashboard's breakdown by point links there): it lists the points of the chosen station (or
    of the user's only station) and the one already chosen; any point of the scope is accepted
    in the URL."""

    def __init__(self, *args, station_param="station", **kwargs):
        self.station_param = station_param
        kwargs.setdefault("label_field", "name")
        kwargs.setdefault("label", _("service point"))
        super().__init__(*args, queryset=ServicePoint.objects.all(), **kwargs)

    @property
    def field(self):
        field = super().field
        if field.offered is None:
            from portal.scoping import scope_for

            request, data = self.parent.request, self.parent.data or {}
            scope = scope_for(request.user) if request is not None else None
            if scope is not None and scope.station_ids is not None and len(scope.station_ids) <= 1:
                field.offer(field.queryset)
                return field
            name = next((key for key, value in self.parent.filters.items() if value is self), None)
            wanted = Q()
            station = str(data.get(self.station_param) or "")
            if station.isdigit():
                wanted |= Q(station_id=int(station))
            chosen = str(data.get(name) or "") if name else ""
            if chosen.isdigit():
                wanted |= Q(pk=int(chosen))
            if not wanted:
                field.offer(field.queryset.none(), empty_label=_("Choose a station first"))
            else:
                field.offer(field.queryset.filter(wanted))
        return field


class NoServicePointFilter(django_filters.BooleanFilter):
    """``no_service_point=true``: the station's own records, which name no service point (the
    "station's own" row of the dashboard's breakdown by point links there)."""

    def __init__(self, field_name="service_point", **kwargs):
        kwargs.setdefault("label", _("station's own (no service point)"))
        super().__init__(field_name=field_name, lookup_expr="isnull", **kwargs)


class ServicePointFilterSet(SearchFilterSet):
    """Village and community service points (村/社区社工室)."""

    search_fields = ("name", "address", "liaison_name")
    station = station_filter()
    kind = django_filters.ChoiceFilter(choices=ServicePointKind.choices, label=_("kind"))
    is_active = django_filters.BooleanFilter(label=_("active"))

    class Meta:
        model = ServicePoint
        fields = ["q", "station", "kind", "is_active"]
