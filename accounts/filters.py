import django_filters
from django.utils.translation import gettext_lazy as _

from portal.filters import SearchFilterSet
from stations.choices import Role

from .models import AccessLog, Notification, NotificationKind


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


class NotificationFilterSet(SearchFilterSet):
    search_fields = ("title",)
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", label=_("unread"),
                                          widget=django_filters.widgets.BooleanWidget())
    kind = django_filters.ChoiceFilter(choices=NotificationKind.choices, label=_("kind"))

    class Meta:
        model = Notification
        fields = ["q", "unread", "kind"]
