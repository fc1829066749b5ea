from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StationsConfig(AppConfig):
    name = "stations"
    verbose_name = _("Organisation")

    def ready(self):
        from django import forms

        from . import auth, navigation, roles, signals  # noqa: F401  (registers menu, grants, login log, 2FA)
        from .validators import no_control_characters, text_within_cap

        # Every form's text field (and RegexField, TextField's textarea …) refuses control
        # characters and text over MAX_TEXT with a message beside the field; the API's parsers
        # do the same.
        forms.CharField.default_validators = [*forms.CharField.default_validators, no_control_characters,
                                              text_within_cap]
