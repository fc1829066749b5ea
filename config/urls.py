from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from accounts.api.urls import routes as account_routes
from accounts.api.views import AuthTokenView, MeView
from accounts.auth import SecondFactorSetupView, SecondFactorVerifyView
from clients.api.urls import routes as client_routes
from funding.api.urls import routes as funding_routes
from journal.api.urls import routes as journal_routes
from partners.api.urls import routes as partner_routes
from portal.views import favicon
from reports.api.urls import routes as report_routes
from reports.dashboard.views import DashboardView
from services.api.urls import routes as service_routes
from services.offline import manifest, service_worker
from stations.api.urls import routes as station_routes
from training.api.urls import routes as training_routes

router = DefaultRouter()
for prefix, viewset, basename in [
    *station_routes, *account_routes, *client_routes, *partner_routes, *service_routes, *training_routes, *funding_routes, *report_routes,
    *journal_routes,
]:
    router.register(prefix, viewset, basename=basename)

urlpatterns = [
    path("", DashboardView.as_view(), name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/2fa/", SecondFactorVerifyView.as_view(), name="otp_verify"),
    path("accounts/2fa/setup/", SecondFactorSetupView.as_view(), name="otp_setup"),
    path("i18n/", include("django.conf.urls.i18n")),
    # browsers ask for /favicon.ico whatever the page says: the portal's icon, not a 404
    path("favicon.ico", favicon),
    # the offline app (issue 17): the service worker at the root so that its scope is the portal
    path("sw.js", service_worker, name="service_worker"),
    path("manifest.webmanifest", manifest, name="manifest"),
    path("admin/", admin.site.urls),
    path("api/v1/auth/token/", AuthTokenView.as_view(), name="api_token"),
    path("api/v1/me/", MeView.as_view(), name="api_me"),
    path("api/v1/reports/", include("reports.api.paths")),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", login_required(SpectacularSwaggerSplitView.as_view(url_name="schema")), name="api_docs"),
    path("", include("stations.urls")),
    path("", include("accounts.urls")),
    path("clients/", include("clients.urls")),
    path("partners/", include("partners.urls")),
    path("services/", include("services.urls")),
    path("training/", include("training.urls")),
    path("funding/", include("funding.urls")),
    # the journal and the annual report as PDF/.docx, beside the bulletin and workbooks
    path("reports/", include("journal.urls")),
    path("reports/", include("reports.urls")),
]

handler400 = "portal.views.bad_request"
handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"

admin.site.site_header = admin.site.site_title = "社工站管理平台"
