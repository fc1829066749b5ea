from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Q
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.views import View

from portal.scoping import scope_for, visible_or_404
from portal.views import ObjectListView
from stations.models import Staff

from . import services
from .filters import AccessLogFilterSet, NotificationFilterSet
from .models import AccessLog, Notification
from .tables import AccessLogTable, NotificationTable


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


class NotificationListView(ObjectListView):
    """The user's inbox: their own notifications, newest first (unread in bold)."""

    queryset = Notification.objects.all()
    filterset_class = NotificationFilterSet
    template_name = "accounts/notification_list.html"
    table_class = NotificationTable

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["unread_count"] = Notification.objects.visible_to(self.request.user).filter(
            read_at__isnull=True).count()
        return context


class NotificationOpenView(LoginRequiredMixin, View):
    """Open a notification's record and mark it read (one's own only: another's answers 404)."""

    def get(self, request, pk):
        notification = visible_or_404(Notification.objects.all(), request.user, pk=pk)
        services.notification_read(notification=notification, user=request.user)
        return HttpResponseRedirect(notification.url)


class NotificationReadAllView(LoginRequiredMixin, View):
    def post(self, request):
        count = services.notification_read_all(user=request.user)
        messages.success(request, gettext("%(count)d notifications marked read.") % {"count": count})
        return HttpResponseRedirect(reverse("accounts:notification_list"))

    def get(self, request):
        return HttpResponseRedirect(reverse("accounts:notification_list"))


class NotificationBellView(LoginRequiredMixin, View):
    """htmx: the navbar bell's unread count, fetched after the page loads (no query on every page)."""

    def get(self, request):
        count = Notification.objects.visible_to(request.user).filter(read_at__isnull=True).count()
        if not count:
            return HttpResponse("")
        return HttpResponse(format_html(
            '<span class="position-absolute top-0 start-100 translate-middle badge rounded-pill text-bg-danger">'
            '{}<span class="visually-hidden"> {}</span></span>', count if count < 100 else "99+", gettext("unread")))
