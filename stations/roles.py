"""The roles' sets and the organisation layer's grants (the registry is ``portal.roles``)."""

from portal.roles import grant

from .choices import Role

ALL_ROLES = frozenset(Role)
READERS = ALL_ROLES - {Role.AUDITOR}
COUNTY_STAFF = frozenset({Role.BUREAU_ADMIN, Role.BUREAU_STAFF, Role.CENTER_SUPERVISOR})
STATION_STAFF = frozenset({Role.STATION_HEAD, Role.SOCIAL_WORKER})
# Roles that read figures only (SPEC §1): no grant on a person-level model, and their scope
# reaches none of its rows (stations.scoping).
FIGURES_ONLY = frozenset({Role.CITY_VIEWER})

grant(ALL_ROLES, "stations.station")
grant(ALL_ROLES, "stations.organisation")
grant(ALL_ROLES, "stations.region")
grant(READERS | {Role.AUDITOR}, "stations.staff")
grant(READERS, "stations.certificate")
grant({Role.BUREAU_ADMIN}, "stations.station", ["add", "change"])
grant({Role.BUREAU_ADMIN}, "stations.organisation", ["add", "change"])
grant({Role.BUREAU_ADMIN}, "stations.region", ["add", "change"])
grant({Role.BUREAU_ADMIN}, "stations.staff", ["add", "change"])
grant({Role.BUREAU_ADMIN, Role.CENTER_SUPERVISOR, Role.STATION_HEAD}, "stations.certificate", ["add", "change"])
grant({Role.STATION_HEAD}, "stations.station", ["change"])  # their own station's profile
# Village and community service points (村/社区社工室): a station runs its own; the bureau
# administrator may set them up for a station. The liaison's phone is a person's contact:
# not to the figures-only roles (the city viewer reads their figures on the dashboard).
grant(READERS - FIGURES_ONLY, "stations.servicepoint")
grant(STATION_STAFF | {Role.BUREAU_ADMIN}, "stations.servicepoint", ["add", "change"])
