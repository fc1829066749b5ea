"""Role grants of the reports app (see stations.roles)."""

from portal.roles import grant  # noqa: F401
