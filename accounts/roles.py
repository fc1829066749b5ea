from portal.roles import grant
from stations.choices import Role

grant({Role.AUDITOR, Role.BUREAU_ADMIN}, "accounts.accesslog")
