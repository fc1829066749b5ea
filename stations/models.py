import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.history import AuditHistory
from portal.scoping import Reach, ScopedQuerySet
from portal.urls import url_with_id

from .choices import STATION_ROLES, CertificateLevel, OrganisationKind, RegionLevel, Role, ServicePointKind

LEVEL_ORDER = [RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWN, RegionLevel.VILLAGE]


class Region(models.Model):
    """An administrative division (行政区划): 省, 市, 县/区, 乡镇/街道 or 村/社区."""

    # a user reaches the counties of their scope with the city and province above them, and the
    # towns and villages below those counties (the region tree of the API, GET /api/v1/regions/)
    reach = Reach(above=("pk",), local=("parent", "parent__parent"))

    code = models.CharField(_("division code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=60)
    level = models.CharField(_("level"), max_length=10, choices=RegionLevel.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.name

    def clean(self):
        if self.parent_id:
            expected = LEVEL_ORDER.index(self.level) - 1
            if expected < 0 or self.parent.level != LEVEL_ORDER[expected]:
                raise ValidationError({"parent": _("A region's parent must be one level above it.")})
        elif self.level != RegionLevel.PROVINCE:
            raise ValidationError({"parent": _("Only a province may have no parent.")})


class Organisation(models.Model):
    """A body of the service system: 民政局, 社会工作服务指导中心, 社工机构/承接主体 …"""

    # its users, the organisations of the scope's counties, and the operators of its stations
    reach = Reach(user="staff__user", counties=("region",), stations=("operated_stations",))

    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=OrganisationKind.choices)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="organisations")
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    contact = models.CharField(_("contact person"), max_length=30, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ScopedQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.short_name or self.name

    def get_absolute_url(self):
        return url_with_id("stations:organisation_detail", self.pk)


FIVE_HAVE = [
    ("has_sign", _("Has a sign")),
    ("has_staff", _("Has staff")),
    ("has_mechanism", _("Has mechanisms")),
    ("has_process", _("Has processes")),
    ("has_project", _("Has projects")),
]
FIVE_STANDARDS = [
    ("std_construction", _("Standardised construction")),
    ("std_management", _("Institutionalised management")),
    ("std_refined", _("Refined services")),
    ("std_professional", _("Professional services")),
    ("std_venues", _("Diversified venues")),
]


class StationQuerySet(ScopedQuerySet):
    def with_worker_count(self):
        """Annotate ``worker_count``: active social workers and station heads today."""
        today = timezone.localdate()
        active = (
            models.Q(staff__role__in=STATION_ROLES, staff__user__is_active=True, staff__active_from__lte=today)
            & (models.Q(staff__active_to__isnull=True) | models.Q(staff__active_to__gte=today))
        )
        return self.annotate(worker_count=models.Count("staff", filter=active)).order_by("town__code")

    def open_on(self, day):
        return self.filter(opened_on__lte=day).filter(models.Q(closed_on__isnull=True) | models.Q(closed_on__gt=day))


class Station(models.Model):
    """A town or sub-district social-work station (镇/街道社工站)."""

    scope_field = "pk"

    name = models.CharField(_("name"), max_length=60, unique=True)
    short_name = models.CharField(_("short name"), max_length=20)
    town = models.OneToOneField(
        Region, verbose_name=_("town"), on_delete=models.PROTECT, related_name="station",
        limit_choices_to={"level": RegionLevel.TOWN},
    )
    # Kept beside the town so that every row can reach its county in one join (scoping,
    # rollups and, later, distribution by county).
    county = models.ForeignKey(Region, verbose_name=_("county"), on_delete=models.PROTECT, related_name="+", editable=False)
    operator = models.ForeignKey(
        Organisation, verbose_name=_("operating organisation"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="operated_stations", limit_choices_to={"kind": OrganisationKind.PROVIDER},
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    opened_on = models.DateField(_("opening date"))
    closed_on = models.DateField(pgettext_lazy("station", "closing date"), null=True, blank=True)
    brand = models.CharField(_("featured brand"), max_length=60, blank=True)
    brand_description = models.TextField(_("brand description"), blank=True)
    has_sign = models.BooleanField(FIVE_HAVE[0][1], default=False)
    has_staff = models.BooleanField(FIVE_HAVE[1][1], default=False)
    has_mechanism = models.BooleanField(FIVE_HAVE[2][1], default=False)
    has_process = models.BooleanField(FIVE_HAVE[3][1], default=False)
    has_project = models.BooleanField(FIVE_HAVE[4][1], default=False)
    std_construction = models.BooleanField(FIVE_STANDARDS[0][1], default=False)
    std_management = models.BooleanField(FIVE_STANDARDS[1][1], default=False)
    std_refined = models.BooleanField(FIVE_STANDARDS[2][1], default=False)
    std_professional = models.BooleanField(FIVE_STANDARDS[3][1], default=False)
    std_venues = models.BooleanField(FIVE_STANDARDS[4][1], default=False)

    objects = StationQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["town__code"]
        verbose_name = _("station")
        verbose_name_plural = _("stations")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.county_id = self.town.parent_id
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return url_with_id("stations:station_detail", self.pk)

    def clean(self):
        if self.closed_on and self.opened_on and self.closed_on < self.opened_on:
            raise ValidationError({"closed_on": _("The closing date cannot be before the opening date.")})

    def is_open_on(self, day):
        return self.opened_on <= day and (self.closed_on is None or self.closed_on > day)

    @property
    def is_open(self):
        return self.is_open_on(timezone.localdate())

    @property
    def five_have(self):
        return [(label, getattr(self, field)) for field, label in FIVE_HAVE]

    @property
    def five_standards(self):
        return [(label, getattr(self, field)) for field, label in FIVE_STANDARDS]

    @property
    def checklist_score(self):
        return sum(bool(getattr(self, f)) for f, _label in FIVE_HAVE + FIVE_STANDARDS)


class StaffQuerySet(ScopedQuerySet):
    def active(self, on=None):
        on = on or timezone.localdate()
        return self.filter(user__is_active=True, active_from__lte=on).filter(
            models.Q(active_to__isnull=True) | models.Q(active_to__gte=on)
        )

    def workers(self):
        return self.filter(role__in=STATION_ROLES)


class Staff(models.Model):
    """A portal user's post: organisation, station and role (工作人员)."""

    scope_field = "station"
    # a station's staff, the county-level staff of the scope's counties, and oneself
    reach = Reach(stations=("station",), counties=(("organisation__region", {"station__isnull": True}),), user="user")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="staff")
    name = models.CharField(_("full name"), max_length=30)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="staff"
    )
    station = models.ForeignKey(
        Station, verbose_name=_("station"), null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    active_from = models.DateField(_("active from"), default=timezone.localdate)
    active_to = models.DateField(_("active until"), null=True, blank=True)

    objects = StaffQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["station__town__code", "role", "name"]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return url_with_id("stations:staff_detail", self.pk)

    def clean(self):
        if self.role in STATION_ROLES and not self.station_id:
            raise ValidationError({"station": _("Station heads and social workers must belong to a station.")})
        if self.role not in STATION_ROLES and self.station_id:
            raise ValidationError({"station": _("Only station heads and social workers belong to a station.")})
        # An end the day before the start is a post withdrawn before its first day (an account
        # created and disabled the same day): never active.
        if self.active_to and self.active_from and self.active_to < self.active_from - datetime.timedelta(days=1):
            raise ValidationError({"active_to": _("The end date cannot be before the start date.")})

    @property
    def is_active(self):
        today = timezone.localdate()
        return self.active_from <= today and (self.active_to is None or self.active_to >= today)


class Certificate(models.Model):
    """A social-work qualification certificate (社会工作者职业资格证书) held by a staff member."""

    scope_field = "staff__station"

    staff = models.ForeignKey(Staff, verbose_name=_("staff member"), on_delete=models.CASCADE, related_name="certificates")
    level = models.CharField(_("level"), max_length=12, choices=CertificateLevel.choices)
    number = models.CharField(_("certificate number"), max_length=40)
    issued_on = models.DateField(_("date obtained"))
    # registration (登记) lapses unless renewed: the holder and the station head are told 60 days ahead
    expires_on = models.DateField(_("valid until"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["-issued_on"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [models.UniqueConstraint(fields=["level", "number"], name="certificate_unique_number")]

    def __str__(self):
        return f"{self.get_level_display()} {self.number}"

    def get_absolute_url(self):
        return url_with_id("stations:certificate_detail", self.pk)


class ServicePoint(models.Model):
    """A village or community service point (村/社区社工室) run under a station; clients, visits,
    activities and groups can name one, and its figures roll up to the station."""

    scope_field = "station"
    # its village liaison's phone is a person's contact: figures-only roles never reach it
    person_level = True

    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.PROTECT,
                                related_name="service_points")
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=10, choices=ServicePointKind.choices,
                            default=ServicePointKind.VILLAGE)
    region = models.ForeignKey(
        Region, verbose_name=_("village / community"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="service_points", limit_choices_to={"level": RegionLevel.VILLAGE},
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    opened_on = models.DateField(_("opening date"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # the station's worker in charge of the point, and the village liaison (村级联络员)
    staff = models.ForeignKey(Staff, verbose_name=_("worker in charge"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="service_points")
    liaison_name = models.CharField(_("village liaison"), max_length=30, blank=True)
    liaison_phone = models.CharField(_("liaison phone"), max_length=20, blank=True)

    objects = ScopedQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["station__town__code", "name"]
        verbose_name = _("service point")
        verbose_name_plural = _("service points")
        constraints = [models.UniqueConstraint(fields=["station", "name"], name="servicepoint_unique_name")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return url_with_id("stations:servicepoint_detail", self.pk)

    def clean(self):
        errors = {}
        if self.region_id and self.station_id:
            region = self.region
            if region.level != RegionLevel.VILLAGE or region.parent_id != self.station.town_id:
                errors["region"] = _("Choose a village or community of the station's own town.")
        if self.staff_id and self.station_id and self.staff.station_id != self.station_id:
            errors["staff"] = _("The worker in charge must work at the point's station.")
        if self.liaison_phone and not self.liaison_phone.replace("-", "").isdigit():
            errors["liaison_phone"] = _("Enter a phone number with digits only.")
        if errors:
            raise ValidationError(errors)


def check_service_point(record, field="service_point"):
    """A record naming a service point must be of that point's station (``clean`` of clients,
    visits, activities and groups)."""
    point_id = getattr(record, f"{field}_id", None)
    if point_id and record.station_id:
        point = getattr(record, field)
        if point.station_id != record.station_id:
            raise ValidationError({field: _("%(point)s is a service point of another station; choose one of "
                                            "%(station)s.") % {"point": point.name, "station": record.station}})
