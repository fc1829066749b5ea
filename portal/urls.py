"""A record's URL by its id, for the rows of a list (``get_absolute_url``, a table's ``DETAIL``
links): Django's ``reverse`` matches the URL pattern's arguments afresh on every call (~50 us),
2.5 ms of a 50-row list's links (make bench, crawl_worst_page). The pattern is reversed once per
URL name, URL configuration and script prefix, with a marker id, and each record's id is put in
the marker's place: the same URL ``reverse`` gives (tests/portal/test_urls.py)."""

import functools

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

_MARKER = "9876543210123"


@functools.lru_cache(maxsize=1024)
def _around_id(name, urlconf, prefix):
    """(what comes before the id, what comes after) in the URL ``name`` of one id."""
    head, marker, tail = reverse(name, args=[int(_MARKER)], urlconf=urlconf).partition(_MARKER)
    if not marker:
        raise ValueError(f"the URL {name!r} does not show its id as it is")
    return head, tail


def url_with_id(name, pk):
    """``reverse(name, args=[pk])`` for an integer ``pk``."""
    head, tail = _around_id(name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    return f"{head}{int(pk)}{tail}"
