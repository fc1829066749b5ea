import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import OrganisationKind, Role
from .models import AccessLog, Organisation, Region, Staff, Station


class ScopedModelChoiceFilter(django_filters.ModelChoiceFilter):
    """A dropdown filter offering only the records the requesting user may see."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request is not None and hasattr(queryset, "visible_to"):
            return queryset.visible_to(request.user)
        return queryset


def station_filter(field_name="station"):
    return ScopedModelChoiceFilter(field_name=field_name, queryset=Station.objects.all(), label=_("station"))


class SearchFilterSet(django_filters.FilterSet):
    """Every filterset has ``q``: free text over ``search_fields``."""

    search_fields: tuple = ()
    q = django_filters.CharFilter(method="search", label=_("Search"))

    @property
    def form(self):
        form = super().form
        if not getattr(form, "_styled", False):
            for field in form.fields.values():
                widget = field.widget
                css = "form-select form-select-sm" if hasattr(widget, "choices") else "form-control form-control-sm"
                widget.attrs.setdefault("class", css)
            form._styled = True
        return form

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        query = Q()
        for field in self.search_fields:
            query |= Q(**{f"{field}__icontains": value})
        return queryset.filter(query)


class StationFilterSet(SearchFilterSet):
    search_fields = ("name", "short_name", "brand", "address")
    county = django_filters.ModelChoiceFilter(queryset=Region.objects.filter(level="county"), label=_("county"))
    operator = django_filters.ModelChoiceFilter(
        queryset=Organisation.objects.filter(kind=OrganisationKind.PROVIDER), label=_("operating organisation")
    )

    class Meta:
        model = Station
        fields = ["q", "county", "operator"]


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

    class Meta:
        model = Staff
        fields = ["q", "station", "role", "organisation", "active"]

    def filter_active(self, queryset, name, value):
        active = queryset.active()
        return active if value else queryset.exclude(pk__in=active.values("pk"))


class AccessLogFilterSet(SearchFilterSet):
    search_fields = ("username", "object_repr", "object_id", "object_type")
    role = django_filters.ChoiceFilter(choices=[*Role.choices, ("superuser", _("Superuser"))], label=_("role"))
    ip = django_filters.CharFilter(field_name="ip", label=_("IP address"), method="filter_ip")
    since = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label=_("from"))
    until = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label=_("to"))

    class Meta:
        model = AccessLog
        fields = ["q", "action", "username", "role", "result", "ip", "since", "until"]

    def filter_ip(self, queryset, name, value):
        from django.core.exceptions import ValidationError
        from django.core.validators import validate_ipv46_address

        try:
            validate_ipv46_address(value.strip())
        except ValidationError:
            return queryset.none()  # a partial or malformed address matches nothing, never a 500
        return queryset.filter(ip=value.strip())
