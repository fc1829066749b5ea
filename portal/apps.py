from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The framework every app builds on (no models): views, tables, filters, forms, the lock,
    scoping, audit history, xlsx writing, navigation, the role-grant registry, API bases."""

    name = "portal"
    verbose_name = "Portal"
