from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StationsConfig(AppConfig):
    name = "stations"
    verbose_name = _("Organisation")

    def ready(self):
        from portal.scoping import set_scope_resolver

        from . import navigation, roles  # noqa: F401  (registers menu, grants)
        from .scoping import compute_scope, regions_above, touched_counties

        set_scope_resolver(compute_scope, touched_counties=touched_counties, regions_above=regions_above)
