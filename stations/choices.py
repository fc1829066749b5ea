from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County / district")
    TOWN = "town", _("Town / sub-district")
    VILLAGE = "village", _("Village / community")


class OrganisationKind(models.TextChoices):
    BUREAU = "bureau", _("Civil affairs bureau")
    CENTER = "center", _("Social work guidance center")
    PROVIDER = "provider", _("Social work organisation")
    OTHER = "other", _("Other department")


class Role(models.TextChoices):
    BUREAU_ADMIN = "bureau_admin", _("Bureau administrator")
    BUREAU_STAFF = "bureau_staff", _("Bureau staff")
    CENTER_SUPERVISOR = "center_supervisor", _("Guidance-center supervisor")
    STATION_HEAD = "station_head", _("Station head")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    CITY_VIEWER = "city_viewer", _("City / province viewer")
    AUDITOR = "auditor", _("Auditor")


STATION_ROLES = {Role.STATION_HEAD, Role.SOCIAL_WORKER}


class CertificateLevel(models.TextChoices):
    ASSISTANT = "assistant", _("Assistant social worker")
    INTERMEDIATE = "intermediate", _("Intermediate social worker")
    SENIOR = "senior", _("Senior social worker")


class ServicePointKind(models.TextChoices):
    """A service point sits in a village (村) or an urban community (社区)."""

    VILLAGE = "village", pgettext_lazy("service point", "Village")
    COMMUNITY = "community", pgettext_lazy("service point", "Community")
