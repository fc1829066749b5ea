from portal.roles import grant
from stations.choices import Role
from stations.roles import ALL_ROLES

grant({Role.AUDITOR, Role.BUREAU_ADMIN}, "accounts.accesslog")

# Everyone has an inbox of their own notifications (reports.notices produces them).
grant(ALL_ROLES, "accounts.notification", ["view"])
