"""What each role may do, declared once.

Each app grants its model permissions to roles in its ``roles.py`` (imported from
``AppConfig.ready``); ``accounts.auth.RoleBackend`` answers ``user.has_perm`` from this table,
so the admin, the pages and the API all read the same grants without any per-user rows.
Scoping (which records) is separate: see ``portal.scoping``.
"""

from collections import defaultdict

_grants: dict[str, set[str]] = defaultdict(set)


def grant(roles, model_label, actions=("view",)):
    """grant({Role.SOCIAL_WORKER}, "clients.client", ["view", "add", "change"])"""
    app_label, model_name = model_label.split(".")
    for role in roles:
        for action in actions:
            _grants[role].add(f"{app_label}.{action}_{model_name}")


def permissions_for(role):
    return frozenset(_grants.get(role, ()))
