from .views import (
    ActivityViewSet,
    CaseViewSet,
    DispatchViewSet,
    FollowUpViewSet,
    GroupViewSet,
    MonthlyReportViewSet,
    ReferralViewSet,
    ResourceLinkViewSet,
    VisitViewSet,
)

routes = [
    ("visits", VisitViewSet, "visit"),
    ("follow-ups", FollowUpViewSet, "followup"),
    ("resource-links", ResourceLinkViewSet, "resourcelink"),
    ("cases", CaseViewSet, "case"),
    ("groups", GroupViewSet, "group"),
    ("activities", ActivityViewSet, "activity"),
    ("referrals", ReferralViewSet, "referral"),
    ("dispatches", DispatchViewSet, "dispatch"),
    ("monthly-reports", MonthlyReportViewSet, "monthlyreport"),
]
