from rest_framework import exceptions
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response

from ..auth import second_factor_required, token_refused_message


class AuthTokenView(ObtainAuthToken):
    """Username and password → the account's API token; never to an account that must use
    the second factor (``accounts.auth.SecondFactorTokenAuthentication`` refuses it anyway)."""

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        if second_factor_required(user):
            raise exceptions.PermissionDenied(token_refused_message())
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
