"""Menu entries of the training app (see stations.navigation)."""

from stations.navigation import MenuItem, register  # noqa: F401
