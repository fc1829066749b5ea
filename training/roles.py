"""Role grants of the training app (see stations.roles)."""

from stations.roles import grant  # noqa: F401
