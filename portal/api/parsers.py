"""The API's request parsers (settings ``REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]``): every
text that comes in is checked once, here, for every endpoint.

- A control character (U+0000–U+0008, U+000B, U+000C, U+000E–U+001F; tab, new line and carriage
  return are text) is refused with a 400 naming the field: such text cannot be written to an
  .xlsx file, so one such character made every export of the station answer 500.
- A text longer than ``validators.MAX_TEXT`` (50,000 characters) is refused.
- JSON nested deeper than ``MAX_DEPTH`` is refused with a 400 (Python's parser would otherwise
  run out of stack on 1,000 levels and answer 500).
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, parsers

from ..validators import CONTROL_CHARACTERS, MAX_TEXT, control_character_message

MAX_DEPTH = 32


def check_text(data):
    """Raises ValidationError {field path: [message]} for the first string (or key) holding a
    control character, ParseError when the data nests deeper than MAX_DEPTH."""
    stack = [(data, "", 0)]
    while stack:
        value, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise exceptions.ParseError(_("The JSON is nested more than %(max)s levels deep.") % {"max": MAX_DEPTH})
        if isinstance(value, str):
            if CONTROL_CHARACTERS.search(value):
                raise exceptions.ValidationError({path or "non_field_errors": [control_character_message(value)]})
            if len(value) > MAX_TEXT:
                raise exceptions.ValidationError({path or "non_field_errors": [
                    _("This text is longer than %(max)s characters.") % {"max": f"{MAX_TEXT:,}"}]})
        elif isinstance(value, dict):
            for key, item in value.items():
                key = str(key)
                if CONTROL_CHARACTERS.search(key):
                    raise exceptions.ValidationError({"non_field_errors": [control_character_message(key)]})
                stack.append((item, f"{path}.{key}" if path else key, depth + 1))
        elif isinstance(value, list | tuple):
            for index, item in enumerate(value):
                stack.append((item, f"{path}[{index}]" if path else str(index), depth + 1))
    return data


def _fields(query_dict):
    return {key: values[0] if len(values) == 1 else values for key, values in query_dict.lists()}


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(
                _("The JSON is nested more than %(max)s levels deep.") % {"max": MAX_DEPTH}) from None
        return check_text(data)


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        check_text(_fields(data))
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        result = super().parse(stream, media_type, parser_context)
        check_text(_fields(result.data))
        return result
