from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The framework every app builds on (no models): views, tables, filters, forms, the lock,
    scoping, audit history, xlsx writing, navigation, the role-grant registry, API bases."""

    name = "portal"
    verbose_name = "Portal"

    def ready(self):
        from django import forms

        from .validators import no_control_characters, text_within_cap

        # Every form's text field (and RegexField, TextField's textarea …) refuses control
        # characters and text over MAX_TEXT with a message beside the field; the API's parsers
        # (portal.api.parsers) do the same.
        forms.CharField.default_validators = [*forms.CharField.default_validators, no_control_characters,
                                              text_within_cap]
