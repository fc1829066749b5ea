"""Role grants of the funding app (see stations.roles).

The bureau manages money, contracts and indicator systems; guidance-center supervisors
record evaluations; stations read their own contracts; the city viewer reads everything in
its counties (scoping decides which records)."""

from portal.roles import grant
from stations.choices import Role

BUREAU = {Role.BUREAU_ADMIN, Role.BUREAU_STAFF}
COUNTY_READERS = BUREAU | {Role.CENTER_SUPERVISOR, Role.CITY_VIEWER}
STATIONS = {Role.STATION_HEAD, Role.SOCIAL_WORKER}
WRITE = ["view", "add", "change"]

for model in ["fundingsource", "contract", "contractfunding", "contracttarget", "paymentinstalment"]:
    grant(BUREAU, f"funding.{model}", WRITE)
for model in ["indicatorsystem", "indicatorcategory", "indicator"]:
    grant(BUREAU, f"funding.{model}", WRITE)
    grant({Role.CENTER_SUPERVISOR, Role.CITY_VIEWER}, f"funding.{model}")
for model in ["performanceevaluation", "indicatorscore"]:
    grant(BUREAU | {Role.CENTER_SUPERVISOR}, f"funding.{model}", WRITE)
    grant(STATIONS | {Role.CITY_VIEWER}, f"funding.{model}")

grant({Role.CENTER_SUPERVISOR, Role.CITY_VIEWER}, "funding.fundingsource")
grant(COUNTY_READERS | STATIONS, "funding.contract")
grant(COUNTY_READERS | STATIONS, "funding.contracttarget")
grant(COUNTY_READERS | STATIONS, "funding.contractfunding")
grant(COUNTY_READERS | STATIONS, "funding.paymentinstalment")

# 公益创投: the bureau runs calls and funds projects; bureau and center users review (and the
# center follows the projects); the city viewer reads them.
for model in ["venturecall", "ventureapplication", "ventureproject", "venturemilestone", "venturepayment"]:
    grant(BUREAU, f"funding.{model}", WRITE)
    grant({Role.CENTER_SUPERVISOR, Role.CITY_VIEWER}, f"funding.{model}")
grant(BUREAU | {Role.CENTER_SUPERVISOR}, "funding.venturereview", ["view", "add"])
grant({Role.CITY_VIEWER}, "funding.venturereview")
