import datetime

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from portal.api.viewsets import ScopedReadOnlyViewSet
from portal.scoping import scope_for
from stations.models import Station

from ..auth import second_factor_required, token_expired, token_refused_message
from ..filters import NotificationFilterSet
from ..models import Notification
from ..services import notification_read, notification_read_all
from .serializers import NotificationSerializer


def _named(name):
    return inline_serializer(name, {"id": serializers.IntegerField(), "name": serializers.CharField()},
                             allow_null=True)


class UserAnswer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField(help_text="The staff post's full name (the username for an account without one).")


class ScopeAnswer(serializers.Serializer):
    all = serializers.BooleanField(help_text="True when the caller sees every station (a superuser).")
    people = serializers.BooleanField(
        help_text="False for the roles that read figures only (city, province): no person-level records.")
    counties = serializers.ListField(child=serializers.IntegerField(), allow_null=True,
                                     help_text="The counties (region ids) of the scope; null: every county.")
    stations = serializers.ListField(child=_named("ScopeStation"), help_text="The stations the caller sees.")


class MeAnswer(serializers.Serializer):
    user = UserAnswer()
    role = serializers.CharField(allow_null=True, help_text="The staff role (social_worker, station_head, "
                                 "bureau, bureau_admin, center, city, province, auditor); null without a post.")
    role_display = serializers.CharField(allow_null=True)
    organisation = _named("MeOrganisation")
    station = _named("MeStation")
    scope = ScopeAnswer()
    permissions = serializers.ListField(
        child=serializers.CharField(),
        help_text="What the role may do, as app.action_model (e.g. services.add_visit): view, add, change.")


def _user_answer(user):
    staff = getattr(user, "staff", None)
    return {"id": user.pk, "username": user.get_username(), "name": staff.name if staff else user.get_username()}


def _named_value(obj, attr="name"):
    return None if obj is None else {"id": obj.pk, "name": getattr(obj, attr)}


class MeView(APIView):
    """Who am I: the caller's account, role, organisation and station, the stations and counties
    of their scope, and their permissions. Every logged-in account may ask."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: MeAnswer}, operation_id="me_retrieve")
    def get(self, request):
        user = request.user
        staff = getattr(user, "staff", None)
        scope = scope_for(user)
        stations = Station.objects.visible_to(user).order_by("town__code", "pk").values_list("pk", "name")
        return Response({
            "user": _user_answer(user),
            "role": staff.role if staff else None,
            "role_display": str(staff.get_role_display()) if staff else None,
            "organisation": _named_value(staff.organisation if staff else None),
            "station": _named_value(staff.station if staff else None),
            "scope": {
                "all": scope.is_global,
                "people": scope.people,
                "counties": None if scope.county_ids is None else sorted(scope.county_ids),
                "stations": [{"id": pk, "name": name} for pk, name in stations],
            },
            "permissions": sorted(user.get_all_permissions()),
        })


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
        200: inline_serializer("AuthTokenAnswer", {
            "token": serializers.CharField(help_text="Send it as the header `Authorization: Token <token>`."),
            "expires_at": serializers.DateTimeField(help_text="When the token stops working (ask for a new one "
                                                    "then); a password change revokes it at once."),
            "user": UserAnswer(),
            "role": serializers.CharField(allow_null=True),
        }),
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
        hours = getattr(settings, "API_TOKEN_TTL_HOURS", 24 * 30)
        staff = getattr(user, "staff", None)
        return Response({
            "token": token.key,
            "expires_at": (token.created + datetime.timedelta(hours=hours)).isoformat(),
            "user": _user_answer(user),
            "role": staff.role if staff else None,
        })


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
