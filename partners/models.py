"""五社联动 partners (SPEC §2): the county's ledger of communities, social organisations,
charitable resources (charity funds, enterprises) and volunteer organisations, and what each
offers. A resource link names its partner (``services.ResourceLink.partner``); a visit's
``need_kinds`` are matched against what partners offer (services' open-needs page)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.history import AuditHistory
from portal.scoping import Reach, ScopedQuerySet, scope_for
from portal.urls import url_with_id
from stations.choices import RegionLevel
from stations.models import Region, Station

from .choices import HelpKind, PartnerKind


class PartnerQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(is_active=True)

    def with_totals(self, *, user, year):
        """Annotate ``linked_count`` and ``linked_amount``: the resource links naming the
        partner dated in ``year`` among the stations ``user`` sees (one query, whatever the rows)."""
        links = Q(resource_links__linked_on__year=year)
        scope = scope_for(user)
        if not scope.is_global:
            links &= Q(resource_links__station__in=scope.station_ids)
        return self.annotate(
            linked_count=Count("resource_links", filter=links),
            linked_amount=Coalesce(Sum("resource_links__value", filter=links),
                                   models.Value(Decimal("0.00"), output_field=models.DecimalField(
                                       max_digits=14, decimal_places=2))),
        )


class Partner(models.Model):
    """A partner organisation of 五社联动 in one county (optionally a station's own)."""

    reach = Reach(local=("county",))  # the county's users and every station of that county
    history_masked_fields = ("phone",)  # the history is read by every reader of the ledger

    county = models.ForeignKey(Region, verbose_name=_("county"), on_delete=models.PROTECT, related_name="+",
                               limit_choices_to={"level": RegionLevel.COUNTY})
    station = models.ForeignKey(Station, verbose_name=_("station"), null=True, blank=True, on_delete=models.PROTECT,
                                related_name="partners",
                                help_text=_("Leave empty for a partner of the whole county."))
    name = models.CharField(pgettext_lazy("partner", "Partner name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=PartnerKind.choices)
    contact_person = models.CharField(_("contact person"), max_length=30, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = PartnerQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["county", "kind", "name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        constraints = [models.UniqueConstraint(fields=["county", "name"], name="partner_unique_name")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return url_with_id("partners:partner_detail", self.pk)

    def clean(self):
        errors = {}
        if self.county_id and self.county.level != RegionLevel.COUNTY:
            errors["county"] = _("Choose a county.")
        if self.station_id and self.county_id and self.station.county_id != self.county_id:
            errors["station"] = _("Choose a station of the partner's county.")
        if errors:
            raise ValidationError(errors)

    def phone_for(self, user):
        """The phone in full for those who keep the ledger, masked (138****1234) for the rest: the
        one rule of the detail page and the API."""
        from clients.privacy import mask_phone

        return self.phone if user.has_perm("partners.change_partner") else mask_phone(self.phone or "")


class PartnerOffering(models.Model):
    """What a partner offers (a kind of help, what exactly, an optional value in yuan)."""

    reach = Reach(via="partner")  # as its partner

    partner = models.ForeignKey(Partner, verbose_name=_("partner"), on_delete=models.CASCADE,
                                related_name="offerings")
    kind = models.CharField(_("kind of help"), max_length=16, choices=HelpKind.choices)
    description = models.CharField(_("description"), max_length=200)
    value = models.DecimalField(_("value (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True,
                                validators=[MinValueValidator(Decimal("0"))])

    objects = ScopedQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["partner", "kind", "pk"]
        verbose_name = _("partner offering")
        verbose_name_plural = _("partner offerings")
        constraints = [models.CheckConstraint(condition=Q(value__isnull=True) | Q(value__gte=0),
                                              name="partner_offering_value_not_negative")]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.description}"

    def get_absolute_url(self):
        return self.partner.get_absolute_url()
