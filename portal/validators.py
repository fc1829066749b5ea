"""Text that can be stored and exported: no control characters.

U+0000–U+0008, U+000B, U+000C and U+000E–U+001F cannot be written to an .xlsx file (openpyxl
refuses them), so one of them in a name or a note made every export holding it answer 500. They
are refused where text comes in: every form's CharField (``portal.apps`` makes this the
default validator of ``django.forms.CharField``), the API's parsers
(``portal.api.parsers``) and the roster import. Tab, new line and carriage return are text."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def control_character_message(text):
    char = CONTROL_CHARACTERS.search(text).group()
    return _("Remove the control character U+%(code)04X from this text.") % {"code": ord(char)}


def no_control_characters(value):
    if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
        raise ValidationError(control_character_message(value), code="control_character")


# Free text of any field, form or API, is capped here (50,000 characters); fields that hold a
# note have their own, smaller max_length (a visit's findings: 5,000).
MAX_TEXT = 50_000


def text_within_cap(value):
    if isinstance(value, str) and len(value) > MAX_TEXT:
        raise ValidationError(_("This text is longer than %(max)s characters.") % {"max": f"{MAX_TEXT:,}"},
                              code="max_text")


def all_errors(*checks):
    """Every rule's message at once (issue 22): run each check (a callable taking no argument)
    and raise one ``ValidationError`` holding the messages of every check that failed, on the
    fields they name; return quietly when none did. A service checks its rules through this,
    so that a form shows a negative amount and a future date in one answer, not the second only
    after the first is fixed. A field keeps the messages of the first check that faulted it (a
    model's ``full_clean`` run last does not say a date is in the future a second time). A check
    that needs another's result runs inside the same callable."""
    errors = {}
    for check in checks:
        try:
            check()
        except ValidationError as error:
            for field, messages in error.update_error_dict({}).items():
                errors.setdefault(field, messages)
    if errors:
        raise ValidationError(errors)
