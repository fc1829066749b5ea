"""Role grants of the clients app (see stations.roles).

Station heads and social workers keep their own station's registry; the bureau
administrator keeps the county's; bureau staff, the guidance center and city viewers read;
the auditor reads the access log, not people's records.
"""

from portal.roles import grant
from stations.choices import Role
from stations.roles import FIGURES_ONLY, STATION_STAFF

READ_ONLY = {Role.BUREAU_STAFF, Role.CENTER_SUPERVISOR, Role.CITY_VIEWER}
KEEPERS = STATION_STAFF | {Role.BUREAU_ADMIN}
RECORDS = ["client", "household", "categorymembership", "assessment", "screeningrecord"]

for model in RECORDS:
    grant(KEEPERS, f"clients.{model}", ["view", "add", "change"])
    grant(READ_ONLY - FIGURES_ONLY, f"clients.{model}", ["view"])  # people: not to figures-only roles
grant(KEEPERS | READ_ONLY, "clients.screeningcampaign", ["view"])
grant({Role.BUREAU_ADMIN}, "clients.screeningcampaign", ["add", "change"])
grant(KEEPERS | READ_ONLY, "clients.visitinterval", ["view"])
grant({Role.BUREAU_ADMIN}, "clients.visitinterval", ["add", "change"])
grant(KEEPERS | READ_ONLY, "clients.policycategory", ["view"])
grant({Role.BUREAU_ADMIN}, "clients.policycategory", ["add", "change"])
