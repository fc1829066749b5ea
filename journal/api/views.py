from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from portal.api.serializers import history_version
from portal.api.viewsets import ScopedModelViewSet, request_object

from .. import services
from ..filters import HighlightFilterSet, IssueFilterSet
from ..models import Highlight, Issue
from .serializers import HighlightSerializer, IssueCorrectSerializer, IssueSerializer


class IssueViewSet(ScopedModelViewSet):
    """The journal's issues: POST drafts a month's issue (the center), PATCH edits a draft,
    ``publish`` (the bureau) and ``correct`` (a new version with a note)."""

    queryset = Issue.objects.all()
    serializer_class = IssueSerializer
    filterset_class = IssueFilterSet

    def get_queryset(self):
        return self.queryset.readable_by(self.request.user).annotate(history_version=history_version(Issue))

    def _result(self, issue):
        issue = self.get_queryset().get(pk=issue.pk)
        return Response(IssueSerializer(issue, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses={200: IssueSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def publish(self, request, pk=None):
        issue = self.get_object()
        if not request.user.has_perm("journal.publish_issue"):
            raise exceptions.PermissionDenied
        with transaction.atomic():
            issue = services.issue_publish(issue=issue, user=request.user)
        return self._result(issue)

    @extend_schema(request=IssueCorrectSerializer, responses={200: IssueSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def correct(self, request, pk=None):
        issue = self.get_object()
        if not request.user.has_perm("journal.change_issue"):
            raise exceptions.PermissionDenied
        body = IssueCorrectSerializer(data=request_object(request))
        body.is_valid(raise_exception=True)
        with transaction.atomic():
            issue = services.issue_correct(issue=issue, user=request.user, note=body.validated_data["note"])
        return self._result(issue)


class HighlightViewSet(ScopedModelViewSet):
    """The stations' highlights: a station reads and edits its own; created with the issue."""

    queryset = Highlight.objects.select_related("station")
    serializer_class = HighlightSerializer
    filterset_class = HighlightFilterSet
    http_method_names = ["get", "put", "patch", "head", "options"]

    def get_queryset(self):
        return self.queryset.readable_by(self.request.user).annotate(history_version=history_version(Highlight))
