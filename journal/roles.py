"""Role grants of the journal (see stations.roles). The guidance center drafts and edits; the
stations propose their highlights; the bureau approves and publishes; everybody who reads the
county reads the journal (the city viewer: published issues only, ``JournalQuerySet.readable_by``)."""

from portal.roles import grant
from stations.choices import Role
from stations.roles import READERS, STATION_STAFF

grant(READERS | {Role.AUDITOR}, "journal.issue")
grant(READERS | {Role.AUDITOR}, "journal.highlight")
grant({Role.CENTER_SUPERVISOR}, "journal.issue", ["add", "change"])
grant({Role.BUREAU_ADMIN, Role.BUREAU_STAFF}, "journal.issue", ["publish"])
grant(STATION_STAFF | {Role.CENTER_SUPERVISOR}, "journal.highlight", ["change"])
