"""Role grants of the partner ledger: the bureau and the guidance center keep it; stations
read it (and see each partner's phone masked); the city viewer reads it (an organisation's
record, not a person's)."""

from portal.roles import grant
from stations.choices import Role

MANAGERS = {Role.BUREAU_ADMIN, Role.BUREAU_STAFF, Role.CENTER_SUPERVISOR}
READERS = {Role.STATION_HEAD, Role.SOCIAL_WORKER, Role.CITY_VIEWER, Role.AUDITOR}

for model in ["partner", "partneroffering"]:
    grant(MANAGERS, f"partners.{model}", ["view", "add", "change"])
    grant(READERS, f"partners.{model}")
