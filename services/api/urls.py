from .views import (
    ActivityViewSet,
    CampaignTagViewSet,
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
    ("campaign-tags", CampaignTagViewSet, "campaigntag"),
]
