"""Role grants of the reports app (see stations.roles)."""

from stations.roles import grant  # noqa: F401
