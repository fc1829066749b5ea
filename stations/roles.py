"""What each role may do, declared once.

Each app grants its model permissions to roles in its ``roles.py`` (imported from
``AppConfig.ready``); ``RoleBackend`` answers ``user.has_perm`` from this table, so the
admin, the pages and the API all read the same grants without any per-user rows.
Scoping (which records) is separate: see ``stations.scoping``.
"""

from collections import defaultdict

from .choices import Role

ALL_ROLES = frozenset(Role)
READERS = ALL_ROLES - {Role.AUDITOR}
COUNTY_STAFF = frozenset({Role.BUREAU_ADMIN, Role.BUREAU_STAFF, Role.CENTER_SUPERVISOR})
STATION_STAFF = frozenset({Role.STATION_HEAD, Role.SOCIAL_WORKER})

_grants: dict[str, set[str]] = defaultdict(set)


def grant(roles, model_label, actions=("view",)):
    """grant({Role.SOCIAL_WORKER}, "clients.client", ["view", "add", "change"])"""
    app_label, model_name = model_label.split(".")
    for role in roles:
        for action in actions:
            _grants[role].add(f"{app_label}.{action}_{model_name}")


def permissions_for(role):
    return frozenset(_grants.get(role, ()))


grant(ALL_ROLES, "stations.station")
grant(ALL_ROLES, "stations.organisation")
grant(ALL_ROLES, "stations.region")
grant(READERS | {Role.AUDITOR}, "stations.staff")
grant(READERS, "stations.certificate")
grant({Role.BUREAU_ADMIN}, "stations.station", ["add", "change"])
grant({Role.BUREAU_ADMIN}, "stations.organisation", ["add", "change"])
grant({Role.BUREAU_ADMIN}, "stations.region", ["add", "change"])
grant({Role.BUREAU_ADMIN}, "stations.staff", ["add", "change"])
grant({Role.BUREAU_ADMIN, Role.CENTER_SUPERVISOR, Role.STATION_HEAD}, "stations.certificate", ["add", "change"])
grant({Role.STATION_HEAD}, "stations.station", ["change"])  # their own station's profile
grant({Role.AUDITOR, Role.BUREAU_ADMIN}, "stations.accesslog")
