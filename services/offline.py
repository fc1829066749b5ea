"""The installable offline app (issue 17): the page a station worker's phone opens with no
network, the page that says another page needs the network, the service worker and the
web-app manifest.

The service worker (``/sw.js``, scope ``/``) is Workbox loaded by workbox-sw from our own
static files; the page keeps its data in IndexedDB through Dexie (``static/js/offline/``).
Nothing here writes: records saved offline go to ``/api/v1/visits/`` and
``/api/v1/activities/`` with an ``Idempotency-Key`` when the network is back.
"""

import hashlib
import json

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from clients.choices import RiskLevel
from stations.models import Station

from .choices import ActivityKind, ResourceKind, SourceKind, VisitKind

# The pages that open from the phone's store when there is no network (the app page takes
# its section from the path); every other page answers with the "needs the network" page.
OFFLINE_SECTIONS = {
    "services:offline": "day",
    "services:my_day": "day",
    "clients:client_list": "clients",
    "services:visit_add": "visit",
    "services:activity_add": "activity",
}
# Files the app page needs, fetched into the phone's cache when the service worker installs.
OFFLINE_STATIC = [
    "vendor/bootstrap/css/bootstrap.min.css",
    "vendor/bootstrap-icons/bootstrap-icons.min.css",
    "vendor/bootstrap-icons/fonts/bootstrap-icons.woff2",
    "vendor/bootstrap/js/bootstrap.bundle.min.js",
    "vendor/htmx/htmx.min.js",
    "vendor/dexie/dexie.min.js",
    "css/portal.css",
    "js/portal.js",
    "js/offline/boot.js",
    "js/offline/app.js",
    "img/favicon.svg",
    "img/icon-192.png",
]
WORKBOX_MODULES = ["workbox-core", "workbox-routing", "workbox-strategies"]


def offline_settings():
    """What the pages' scripts read from their data attributes."""
    return {"wipe_after_days": settings.OFFLINE_WIPE_AFTER_DAYS,
            "refresh_minutes": settings.OFFLINE_REFRESH_MINUTES}


def _choices(choices):
    return [{"value": value, "label": str(label)} for value, label in choices.choices]


class OfflineAppView(LoginRequiredMixin, TemplateView):
    """My day, the station's clients, the visit and activity forms and the queue, all drawn
    by ``static/js/offline/app.js`` from the phone's store (the same page online and off)."""

    template_name = "services/offline/app.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        staff = getattr(user, "staff", None)
        stations = Station.objects.visible_to(user).filter(pk=getattr(staff, "station_id", None))
        context["offline"] = {
            **offline_settings(),
            "user": user.get_username(),
            "staff": staff.pk if staff is not None and staff.station_id else None,
            "stations": [{"id": station.pk, "name": station.short_name or station.name} for station in stations],
            "can_visit": user.has_perm("services.add_visit"),
            "can_activity": user.has_perm("services.add_activity"),
            "urls": {
                "roster": reverse("offline-roster-list"),
                "login": reverse("login"),
                "visits": reverse("visit-list"),
                "activities": reverse("activity-list"),
                "resources": reverse("resourcelink-list"),
                "paths": {reverse(name): section for name, section in OFFLINE_SECTIONS.items()},
            },
            "choices": {
                "visit_kind": _choices(VisitKind),
                "risk_level": _choices(RiskLevel),
                "activity_kind": _choices(ActivityKind),
                "resource_kind": _choices(ResourceKind),
                "source_kind": _choices(SourceKind),
            },
            "strings": {
                "pending": gettext("%(count)s pending sync"),
                "refused_count": gettext("%(count)s refused"),
                "refreshed": gettext("Last refreshed %(when)s"),
                "never_refreshed": gettext("Not refreshed yet: open this page once with the network."),
                "online": gettext("Online"),
                "offline": gettext("Offline: records are kept on this phone and sent when the network is back."),
                "saved": gettext("Saved on this phone: it will be sent when the network is back."),
                "synced": gettext("Synced"),
                "waiting": gettext("Waiting to be sent"),
                "refused": gettext("Refused by the server"),
                "login_again": gettext("Your session has ended: log in again to send it."),
                "visit": gettext("Visit"),
                "activity": gettext("Activity"),
                "pick_client": gettext("Pick at least one client."),
                "required": gettext("This field is required."),
                "no_clients": gettext("No client matches."),
                "nobody_overdue": gettext("Nobody is overdue."),
                "nobody_due": gettext("Nobody is due this week."),
                "no_follow_ups": gettext("No follow-up is due."),
                "empty_queue": gettext("Nothing waiting: every record is on the server."),
                "fix": gettext("Fix and resend"),
                "resend": gettext("Resend"),
                "discard": gettext("Discard"),
                "confirm_discard": gettext("Discard this record? It was never saved on the server."),
                "due": gettext("due"),
                "follow_up": gettext("follow-up"),
                "participants": gettext("participants"),
                "wiped": gettext("The offline data on this phone was wiped: it had not reached the portal "
                                 "for %(days)s days."),
            },
        }
        context["today_section"] = OFFLINE_SECTIONS["services:offline"]
        return context


class OfflineNetworkView(TemplateView):
    """What any other page shows when it is opened with no network (served from the cache by
    the service worker instead of the browser's error page)."""

    template_name = "services/offline/network.html"


@require_GET
def service_worker(request):
    """``/sw.js``: at the root so that its scope covers the whole portal."""
    config = {
        "workbox": static("vendor/workbox-sw/workbox-sw.js"),
        "modules": {name: static(f"vendor/{name}/{name}.prod.js") for name in WORKBOX_MODULES},
        "static_prefix": settings.STATIC_URL,
        "app": reverse("services:offline"),
        "network": reverse("services:offline_network"),
        "app_paths": [reverse(name) for name in OFFLINE_SECTIONS],
        "precache": [static(path) for path in OFFLINE_STATIC],
        "version": _static_version(),
    }
    body = f"self.PORTAL_OFFLINE = {json.dumps(config)};\nimportScripts({json.dumps(static('js/offline/sw.js'))});\n"
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


def _static_version():
    """Changes when a cached file's URL changes (hashed names in production), so that a new
    service worker installs and fetches the new files."""
    urls = "\n".join(static(path) for path in [*OFFLINE_STATIC, "js/offline/sw.js"])
    return hashlib.sha256(urls.encode()).hexdigest()[:16]


@require_GET
def manifest(request):
    """The web-app manifest: installable, opening on the offline app page."""
    body = {
        "name": gettext("Social Work Station Portal"),
        "short_name": gettext("Station portal"),
        "start_url": reverse("services:offline"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0d6efd",
        "lang": request.LANGUAGE_CODE,
        "icons": [
            {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {"src": static("img/favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    return HttpResponse(json.dumps(body, ensure_ascii=False), content_type="application/manifest+json")
