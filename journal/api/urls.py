from .views import HighlightViewSet, IssueViewSet

routes = [
    ("journal-issues", IssueViewSet, "journal-issue"),
    ("journal-highlights", HighlightViewSet, "journal-highlight"),
]
