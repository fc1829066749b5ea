"""Role grants of the services app (see stations.roles)."""

from stations.roles import grant  # noqa: F401
