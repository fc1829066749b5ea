"""Menu entries of the services app (see stations.navigation)."""

from stations.navigation import MenuItem, register  # noqa: F401
