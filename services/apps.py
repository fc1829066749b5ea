from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "services"
    verbose_name = _("Services")

    def ready(self):
        from clients.timeline import register_timeline_provider

        from . import navigation, roles  # noqa: F401  (registers menu entries and role grants)
        from .timeline import services_timeline

        register_timeline_provider(services_timeline)
