"""Role grants of the funding app (see stations.roles)."""

from stations.roles import grant  # noqa: F401
