"""Bad input, everywhere (issue 8): the schema lists every resource. The generated requests
themselves — valid, borderline and malformed, for every operation — run as each role with
every check in ``test_api_fuzz_roles.py`` (admin, center, city, auditor; 30 examples per
operation), ``test_api_fuzz_worker.py`` (xiaohe) and ``test_api_fuzz_stateful.py`` (chains of
calls), which replaced this file's run as the administrator with 3 examples and the 5xx check
alone."""

from .api_schema import raw_schema


def test_schema_lists_every_documented_resource():
    paths = set(raw_schema()["paths"])
    for prefix in ["stations", "organisations", "staff", "regions"]:
        assert f"/api/v1/{prefix}/" in paths
    assert "/api/v1/me/" in paths
