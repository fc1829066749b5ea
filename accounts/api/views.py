from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle

from portal.api.viewsets import ScopedReadOnlyViewSet

from ..auth import second_factor_required, token_expired, token_refused_message
from ..filters import NotificationFilterSet
from ..models import Notification
from ..services import notification_read, notification_read_all
from .serializers import NotificationSerializer


class AuthTokenThrottle(AnonRateThrottle):
    """Token requests per client address (``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["auth_token"]``):
    password guessing through the API is slowed per address, while the lockout (django-axes)
    counts failures per username *and* address, so nobody locks an account out for everyone."""

    scope = "auth_token"


class AuthTokenView(ObtainAuthToken):
    """Username and password → the account's API token; never to an account that must use
    the second factor (``accounts.auth.SecondFactorTokenAuthentication`` refuses it anyway)."""

    # the API's own parsers (ObtainAuthToken names DRF's): depth and control characters checked
    parser_classes = api_settings.DEFAULT_PARSER_CLASSES
    throttle_classes = [AuthTokenThrottle]
    permission_classes = [AllowAny]  # (as ObtainAuthToken's empty list; the schema then says no login is needed)

    @extend_schema(responses={
        200: inline_serializer("AuthTokenAnswer", {"token": serializers.CharField()}),
        429: OpenApiResponse(description="Too many token requests from this address: wait a minute."),
    })
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        if second_factor_required(user):
            raise exceptions.PermissionDenied(token_refused_message())
        token, _created = Token.objects.get_or_create(user=user)
        if token_expired(token):  # an expired token is replaced by a new one
            token.delete()
            token = Token.objects.create(user=user)
        return Response({"token": token.key})


class NotificationViewSet(ScopedReadOnlyViewSet):
    """One's own notifications (``?unread=true``); ``POST …/read/`` and ``POST …/read-all/`` mark them read."""

    queryset = Notification.objects.all()
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilterSet

    @extend_schema(request=None, responses={200: NotificationSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def read(self, request, pk=None):
        notification = self.get_object()
        notification_read(notification=notification, user=request.user)
        notification.refresh_from_db()
        return Response(NotificationSerializer(notification, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses={200: inline_serializer("ReadAll", {"count": serializers.IntegerField()})})
    @action(detail=False, methods=["post"], url_path="read-all", permission_classes=[IsAuthenticated])
    def read_all(self, request):
        return Response({"count": notification_read_all(user=request.user)})
