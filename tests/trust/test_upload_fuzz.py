"""Fuzzing every upload (issue 21): generated malformed files — a real roster or photo with bytes
flipped, cut short, spliced or replaced — each answered with a clear error or read as it is,
never another exception, within bounded time and memory, and nothing written.

Memory is measured twice: Python's own allocations (``tracemalloc``) and the process's peak
resident size (``ru_maxrss``, which only grows: its growth over the whole run bounds every file's).
"""

import io
import resource
import time
import tracemalloc

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clients import roster
from clients.models import Client
from services.models import validate_photo

from ..clients.test_roster import _good_rows, _xlsx

pytestmark = pytest.mark.django_db

VALID_ROSTER = _xlsx(_good_rows(20)).read()
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

FUZZ = settings(max_examples=60, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def mutated(original):
    """A strategy of damaged copies of ``original``: flipped bytes, a cut, a splice, or noise."""
    size = len(original)
    flips = st.lists(st.tuples(st.integers(0, size - 1), st.integers(0, 255)), min_size=1, max_size=40).map(
        lambda changes: _flip(original, changes))
    cut = st.integers(0, size - 1).map(lambda at: original[:at])
    splice = st.tuples(st.integers(0, size), st.binary(min_size=1, max_size=4096)).map(
        lambda spliced: original[:spliced[0]] + spliced[1] + original[spliced[0]:])
    noise = st.binary(min_size=0, max_size=8192)
    return st.one_of(flips, cut, splice, noise)


def _flip(original, changes):
    data = bytearray(original)
    for at, value in changes:
        data[at] = value
    return bytes(data)


def _peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.fixture(scope="module")
def rss_before():
    return _peak_rss_mb()


@FUZZ
@given(data=mutated(VALID_ROSTER))
def test_a_damaged_roster_is_read_or_refused_clearly_in_bounded_time_and_memory(data, rss_before):
    upload = SimpleUploadedFile("roster.xlsx", data)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        rows = roster.read_rows(upload)
    except roster.RosterFileError as refused:
        assert refused.messages and all(str(message).strip() for message in refused.messages)
    else:
        assert isinstance(rows, list | tuple) or hasattr(rows, "__iter__")
    finally:
        seconds = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert seconds < 2, seconds
    assert peak < 100 * 1024 * 1024, peak
    assert _peak_rss_mb() - rss_before < 300, "the process grew by more than 300 MB"
    assert Client.objects.count() == 0  # reading a file writes nothing


def test_damaged_rosters_through_the_page_show_the_message_and_write_nothing(web, xiaohe, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    browser = web(xiaohe)
    for data in (VALID_ROSTER[:len(VALID_ROSTER) // 2], b"PK\x03\x04" + b"\x00" * 64, VALID_ROSTER[::-1]):
        page = browser.post("/clients/import/", {"file": SimpleUploadedFile("roster.xlsx", data)})
        assert page.status_code == 200 and page.context["form"].errors["file"]
    assert Client.objects.count() == 0


@FUZZ
@given(data=st.one_of(mutated(PNG), st.binary(max_size=2048)))
def test_a_damaged_photo_is_accepted_only_with_an_image_signature(data):
    upload = SimpleUploadedFile("photo.png", data)
    try:
        validate_photo(upload)
    except ValidationError as refused:
        assert refused.messages
    else:
        assert data.startswith((b"\x89PNG", b"\xff\xd8\xff")) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")
    assert upload.tell() == 0  # the check leaves the file where it was


def test_an_oversized_photo_is_refused_without_reading_it(settings):
    settings.MAX_PHOTO_SIZE = 1024

    class Huge(io.BytesIO):
        size = 60 * 1024 * 1024

        def read(self, *args):  # the size alone decides: nothing of a 60 MB body is read
            raise AssertionError("read")

    with pytest.raises(ValidationError):
        validate_photo(Huge(b""))
