from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.scoping import scope_for
from portal.views import ObjectListView
from portal.xlsx import Column
from stations.models import Staff

from .filters import AccessLogFilterSet
from .models import AccessLog


class AccessLogListView(ObjectListView):
    """The access log: auditors search it and export it; nobody edits it."""

    queryset = AccessLog.objects.all()
    filterset_class = AccessLogFilterSet
    template_name = "accounts/accesslog_list.html"
    export_columns = [
        Column(_("time"), "at", 20), Column(_("username"), "username"), Column(_("role"), "role"),
        Column(_("action"), "get_action_display"), Column(_("record type"), "object_type", 18),
        Column(_("record"), "object_id"), Column(_("description"), "object_repr", 40), Column(_("result"), "result"),
        Column(_("IP address"), "ip"),
    ]

    def get_base_queryset(self):
        # The log is not station data: the permission alone (auditor, bureau admin) decides.
        # County users see their county's users' entries; superusers see all.
        scope = scope_for(self.request.user)
        queryset = self.queryset.select_related("user")
        if scope.is_global:
            return queryset
        visible_users = Staff.objects.visible_to(self.request.user).values("user")
        return queryset.filter(Q(user__in=visible_users) | Q(user__isnull=True))
