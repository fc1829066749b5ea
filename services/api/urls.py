from .offline import OfflineRosterViewSet
from .views import (
    ActivityViewSet,
    CaseViewSet,
    DispatchViewSet,
    GroupViewSet,
    MonthlyReportViewSet,
    ReferralViewSet,
    ResourceLinkViewSet,
    VisitViewSet,
)

routes = [
    ("visits", VisitViewSet, "visit"),
    ("resource-links", ResourceLinkViewSet, "resourcelink"),
    ("cases", CaseViewSet, "case"),
    ("groups", GroupViewSet, "group"),
    ("activities", ActivityViewSet, "activity"),
    ("referrals", ReferralViewSet, "referral"),
    ("dispatches", DispatchViewSet, "dispatch"),
    ("monthly-reports", MonthlyReportViewSet, "monthlyreport"),
    ("offline/roster", OfflineRosterViewSet, "offline-roster"),
]
