"""The tables of the organisation lists (``portal.tables``): each list's page and
``?export=xlsx`` read their columns from here."""

from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from portal.html import text
from portal.tables import DETAIL, Col, Table

from .privacy import phone_for


def _brand_badge(station):
    return format_html('<span class="badge text-bg-info">{}</span>', station.brand) if station.brand else None


class StationTable(Table):
    empty_text = _("No stations match.")
    columns = [
        Col(_("Station"), "name", link=DETAIL, note=lambda s: f"{s.county} · {s.town}", export_header=_("name"),
            width=20),
        Col(_("town"), "town.name", page=False), Col(_("county"), "county.name", page=False),
        Col(_("Operating organisation"), "operator", export="operator.name",
            export_header=_("operating organisation"), width=24),
        Col(_("Featured brand"), "brand", html=_brand_badge, export_header=_("featured brand"), width=18),
        Col(_("Social workers"), "worker_count", end=True, export_header=_("social workers")),
        Col(_("Opened"), "opened_on", export_header=_("opening date")),
        Col(_("address"), "address", page=False, width=30), Col(_("phone"), "phone", page=False),
        Col(_("五有/五化"), lambda s: f"{s.checklist_score}/10", export=False),
    ]


class OrganisationTable(Table):
    empty_text = _("No organisations match.")
    columns = [
        Col(_("Name"), "name", link=DETAIL, export_header=_("name"), width=30),
        Col(_("Kind"), "get_kind_display", export_header=_("kind")),
        Col(_("Region"), "region", export="region.name", export_header=_("region")),
        Col(_("Stations operated"), "station_count", end=True, export_header=_("stations operated")),
        Col(_("Staff"), "staff_count", end=True, export_header=_("staff")),
        Col(_("Contact"), lambda o: f"{o.contact} {o.phone}", empty="", export="contact",
            export_header=_("contact person")),
        Col(_("phone"), "phone", page=False),
    ]


def _certificate_badges(member):
    return mark_safe("".join(f'<span class="badge text-bg-light border">{text(c.get_level_display())}</span> '
                             for c in member.certificates.all()) or "—")


def _status_badge(member):
    if member.is_active and member.user.is_active:
        return format_html('<span class="badge text-bg-success">{}</span>', gettext("Active"))
    return format_html('<span class="badge text-bg-secondary">{}</span>', gettext("Disabled"))


class StaffTable(Table):
    empty_text = _("No staff match.")
    columns = [
        Col(_("Full name"), "name", link=DETAIL),
        Col(_("Username"), "user.username", export_header=_("username")),
        Col(_("Role"), "get_role_display", export_header=_("role"), width=18),
        Col(_("organisation"), "organisation.name", page=False, width=24),
        Col(_("station"), "station.name", page=False, width=18),
        Col(_("Station / organisation"), lambda m: m.station or m.organisation, export=False),
        Col(_("Phone"), "phone", export_header=_("phone")),
        Col(_("active from"), "active_from", page=False), Col(_("active until"), "active_to", page=False),
        Col(_("Certificates"), lambda m: "; ".join(str(c) for c in m.certificates.all()), html=_certificate_badges,
            export_header=_("certificates"), width=30),
        Col(_("Status"), html=_status_badge, export=False),
    ]


class CertificateTable(Table):
    empty_text = _("No certificates match.")
    columns = [
        Col(_("Date obtained"), "issued_on", link=DETAIL, export_header=_("date obtained"), width=12),
        Col(_("Name"), "staff.name", export_header=_("staff member"), width=10),
        Col(_("station"), "staff.station.name", page=False, width=20),
        Col(_("Station"), "staff.station.short_name", export=False),
        Col(_("Level"), "get_level_display", export_header=_("level"), width=16),
        Col(_("Certificate number"), "number", export_header=_("certificate number"), width=20),
    ]


def _active_badge(point):
    if point.is_active:
        return format_html('<span class="badge text-bg-success">{}</span>', pgettext("service point", "In service"))
    return format_html('<span class="badge text-bg-secondary">{}</span>', gettext("Inactive"))


class ServicePointTable(Table):
    empty_text = _("No service points match.")
    columns = [
        Col(_("Name"), "name", link=DETAIL, note=lambda p: p.address or None, export_header=_("name"), width=20),
        Col(_("Station"), "station.short_name", export="station.name", export_header=_("station"), width=16),
        Col(_("Kind"), "get_kind_display", export_header=_("kind"), width=8),
        Col(_("Village / community"), "region.name", phone=False, export_header=_("village / community")),
        Col(_("Worker in charge"), "staff.name", phone=False, export_header=_("worker in charge")),
        Col(_("Village liaison"), lambda p, user: " ".join(
            part for part in (p.liaison_name, phone_for(user, p.liaison_phone)) if part) or None,
            user=True, phone=False, export=False),
        Col(_("village liaison"), "liaison_name", page=False),
        Col(_("liaison phone"), lambda p, user: phone_for(user, p.liaison_phone), user=True, page=False),
        Col(_("Opened"), "opened_on", phone=False, export_header=_("opening date")),
        Col(_("address"), "address", page=False, width=30),
        Col(_("Status"), html=_active_badge, export=False),
        Col(_("active"), "is_active", page=False),
    ]
