"""Menu entries of the funding app (see stations.navigation)."""

from stations.navigation import MenuItem, register  # noqa: F401
