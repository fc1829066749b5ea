import django_filters
from django.utils.translation import gettext_lazy as _

from portal.filters import SearchFilterSet, YearFilter

from .choices import HelpKind, PartnerKind
from .models import Partner


class PartnerFilterSet(SearchFilterSet):
    """The partner ledger: by kind, by what they offer, active or not."""

    search_fields = ("name", "contact_person", "description", "offerings__description")
    kind = django_filters.ChoiceFilter(choices=PartnerKind.choices, label=_("kind"))
    offers = django_filters.ChoiceFilter(choices=HelpKind.choices, label=_("offers"), method="filter_offers")
    is_active = django_filters.BooleanFilter(label=_("active"))
    # which year's resource links the totals count (the view reads it; it filters no partner)
    year = YearFilter(label=_("year"), method="totals_year")

    class Meta:
        model = Partner
        fields = ["q", "kind", "offers", "is_active", "year"]

    def totals_year(self, queryset, name, value):
        return queryset

    def filter_offers(self, queryset, name, value):
        return queryset.filter(pk__in=Partner.objects.filter(offerings__kind=value).values("pk")) if value else queryset
