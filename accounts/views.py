from django.db.models import Q

from portal.scoping import scope_for
from portal.views import ObjectListView
from stations.models import Staff

from .filters import AccessLogFilterSet
from .models import AccessLog
from .tables import AccessLogTable


class AccessLogListView(ObjectListView):
    """The access log: auditors search it and export it; nobody edits it."""

    queryset = AccessLog.objects.all()
    filterset_class = AccessLogFilterSet
    template_name = "accounts/accesslog_list.html"
    table_class = AccessLogTable

    def get_base_queryset(self):
        # The log is not station data: the permission alone (auditor, bureau admin) decides.
        # County users see their county's users' entries; superusers see all.
        scope = scope_for(self.request.user)
        queryset = self.queryset.select_related("user")
        if scope.is_global:
            return queryset
        visible_users = Staff.objects.visible_to(self.request.user).values("user")
        return queryset.filter(Q(user__in=visible_users) | Q(user__isnull=True))
