"""Menu entries of the clients app (see stations.navigation)."""

from stations.navigation import MenuItem, register  # noqa: F401
