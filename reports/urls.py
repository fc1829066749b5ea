from .dashboard_urls import urlpatterns as dashboard_urlpatterns
from .export_urls import urlpatterns as export_urlpatterns

app_name = "reports"

# Two engineers' parts: the dashboard and figures pages, and the workbooks and exports.
urlpatterns = [*dashboard_urlpatterns, *export_urlpatterns]
