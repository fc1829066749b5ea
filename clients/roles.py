"""Role grants of the clients app (see stations.roles)."""

from stations.roles import grant  # noqa: F401
