"""``portal.urls.url_with_id``: a record's URL with its id put in the place of a marker in the
pattern reversed once; the same URL as ``reverse`` for every model's detail page, under another
script prefix too (a portal served below /sub/)."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from portal.urls import url_with_id

NAMES = ["clients:client_detail", "clients:household_detail", "services:visit_detail", "services:case_detail",
         "services:monthlyreport_detail", "training:worker_training"]


@pytest.mark.parametrize("name", NAMES)
def test_the_url_of_an_id_is_reverses(name):
    for pk in (1, 7, 42, 9_876_543_210_123, 10**15):
        assert url_with_id(name, pk) == reverse(name, args=[pk])


def test_under_another_script_prefix():
    try:
        set_script_prefix("/sub/")
        assert url_with_id("clients:client_detail", 5) == reverse("clients:client_detail", args=[5])
        assert url_with_id("clients:client_detail", 5).startswith("/sub/")
    finally:
        set_script_prefix("/")
    assert url_with_id("clients:client_detail", 5) == reverse("clients:client_detail", args=[5])


def test_only_an_integer_id():
    with pytest.raises((TypeError, ValueError)):
        url_with_id("clients:client_detail", "5/../../admin")
    with pytest.raises(NoReverseMatch):
        url_with_id("home", 5)  # a URL that takes no id
