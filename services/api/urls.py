from .offline import OfflineRosterViewSet
from .views import (
    ActivityViewSet,
    CampaignTagViewSet,
    CaseGoalViewSet,
    CaseTaskViewSet,
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
    ("case-goals", CaseGoalViewSet, "casegoal"),
    ("case-tasks", CaseTaskViewSet, "casetask"),
    ("groups", GroupViewSet, "group"),
    ("activities", ActivityViewSet, "activity"),
    ("referrals", ReferralViewSet, "referral"),
    ("dispatches", DispatchViewSet, "dispatch"),
    ("monthly-reports", MonthlyReportViewSet, "monthlyreport"),
    ("campaign-tags", CampaignTagViewSet, "campaigntag"),
    ("offline/roster", OfflineRosterViewSet, "offline-roster"),
]
