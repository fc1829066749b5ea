"""Menu entries of the reports app (see stations.navigation)."""

from stations.navigation import MenuItem, register  # noqa: F401
