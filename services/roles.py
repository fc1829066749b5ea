"""Role grants of the services app (see stations.roles)."""

from portal.roles import grant
from stations.choices import Role
from stations.roles import FIGURES_ONLY, READERS, STATION_STAFF

RECORDS = ["visit", "followup", "resourcelink", "case", "casenote", "casegoal", "casetask", "group", "groupsession", "activity", "referral"]
WRITE = ["view", "add", "change"]

# A person's records: not to the roles that read figures only (SPEC §1), nor to the auditor, who
# reads the access log, not people's records (docs/security.md, issue 21's judgement calls).
PERSON_RECORDS = {"visit", "followup", "resourcelink", "case", "casenote", "casegoal", "casetask", "group", "groupsession", "referral"}
for model in RECORDS:
    grant(READERS - FIGURES_ONLY if model in PERSON_RECORDS else READERS | {Role.AUDITOR}, f"services.{model}")
    grant(STATION_STAFF, f"services.{model}", WRITE)
grant(READERS | {Role.AUDITOR}, "services.campaigntag")
grant({Role.BUREAU_ADMIN, Role.BUREAU_STAFF}, "services.campaigntag", ["add", "change"])

# Dispatch: the guidance center or the bureau sends; the station accepts and reports back
# (services.services checks which side a user is on).
grant(READERS - FIGURES_ONLY, "services.dispatch")
grant({Role.BUREAU_ADMIN, Role.BUREAU_STAFF, Role.CENTER_SUPERVISOR}, "services.dispatch", ["add", "change"])
grant(STATION_STAFF, "services.dispatch", ["change"])

# Monthly reports: the station head submits, the center reviews, the bureau approves / reopens.
grant(READERS | {Role.AUDITOR}, "services.monthlyreport")
grant({Role.STATION_HEAD}, "services.monthlyreport", ["submit"])
grant({Role.CENTER_SUPERVISOR}, "services.monthlyreport", ["review"])
grant({Role.BUREAU_ADMIN, Role.BUREAU_STAFF}, "services.monthlyreport", ["approve"])

# Volunteers (志愿者) and their service records: people's records, kept by the station.
for model in ("volunteer", "volunteerservice"):
    grant(READERS - FIGURES_ONLY, f"services.{model}")
    grant(STATION_STAFF, f"services.{model}", WRITE)
