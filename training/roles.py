"""Role grants of the training app (see stations.roles).

The guidance center runs trainings, supervision, evaluations, incentives and the case
competition; the bureau administrator may too. Station staff read their own station's
records and their own training (scoping decides which rows); a station head updates the
rectification items of their station. Incentive payouts are money owed to named people:
county staff, the city and auditors read them, a worker sees only their own on their page.
"""

from portal.roles import grant
from stations.choices import Role
from stations.roles import COUNTY_STAFF, READERS

MANAGERS = {Role.CENTER_SUPERVISOR, Role.BUREAU_ADMIN}
EDIT = ["view", "add", "change"]

for model in ["training", "supervision", "stationevaluation", "rectificationitem", "evaluationscheme",
              "competitionevent", "submission", "expert"]:
    grant(READERS, f"training.{model}")
    grant(MANAGERS, f"training.{model}", EDIT)
grant({Role.STATION_HEAD}, "training.rectificationitem", ["change"])
for model in ["incentivepolicy", "entitlement", "tuitionclaim"]:
    grant(COUNTY_STAFF | {Role.CITY_VIEWER, Role.AUDITOR}, f"training.{model}")
    grant(MANAGERS, f"training.{model}", EDIT)
