"""Signing in for scripts (token) and who am I."""
from django.contrib.auth import authenticate, login, logout
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt, ensure_csrf_cookie
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.response import Response
from rest_framework.views import APIView

from research.errors import InvalidInput
from research.selectors.members import membership_list
from research.services.tokens import api_token_get_or_create

from .common import SchoolRefOut, display_name
from .permissions import AllowAny
from .projects.serializers import AllianceRefOut
from .throttles import SignInThrottle


class TokenIn(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, style={"input_type": "password"}, trim_whitespace=False)


def signed_in_user(request):
    """The user the posted username and password belong to, or a 400 that says they do not match."""
    data = TokenIn(data=request.data)
    data.is_valid(raise_exception=True)
    user = authenticate(request, **data.validated_data)
    if user is None:
        raise InvalidInput("That username and password do not match. Try again.", code="invalid_credentials")
    return user


class TokenView(APIView):
    """Exchange a username and password for a token: send it as `Authorization: Token <token>`."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [SignInThrottle]

    @extend_schema(request=TokenIn, responses=inline_serializer("TokenOut", {"token": serializers.CharField()}))
    def post(self, request):
        return Response({"token": api_token_get_or_create(user=signed_in_user(request))})


class MembershipOut(serializers.Serializer):
    alliance = serializers.SerializerMethodField()
    school = serializers.SerializerMethodField()
    role = serializers.CharField()

    @extend_schema_field(AllianceRefOut)
    def get_alliance(self, m) -> dict:
        return {"id": m.alliance_id, "name": m.alliance.name, "slug": m.alliance.slug}

    @extend_schema_field(SchoolRefOut)
    def get_school(self, m) -> dict:
        return {"id": m.school_id, "name": m.school.name, "urn": m.school.urn}


class MeOut(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.SerializerMethodField()
    is_staff = serializers.BooleanField()
    memberships = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return display_name(user)

    @extend_schema_field(MembershipOut(many=True))
    def get_memberships(self, user) -> list[dict]:
        return MembershipOut(membership_list(user=user), many=True).data


class MeView(APIView):
    """The signed-in user and their alliances (school and role in each)."""

    @extend_schema(responses=MeOut)
    def get(self, request):
        return Response(MeOut(request.user).data)


class SessionView(APIView):
    """Browser sign-in (POST: username, password -> session cookie) and sign-out (DELETE).

    CSRF applies: fetch GET first to receive the csrftoken cookie, then send it as X-CSRFToken.
    """

    permission_classes = [AllowAny]
    throttle_classes = [SignInThrottle]

    @method_decorator(ensure_csrf_cookie)
    @extend_schema(responses={200: MeOut, 204: None})
    def get(self, request):
        if not request.user.is_authenticated:
            return Response(status=204)
        return Response(MeOut(request.user).data)

    @extend_schema(request=TokenIn, responses=MeOut)
    def post(self, request):
        # Signing in changes who the browser is: protect it from cross-site requests too.
        SessionAuthentication().enforce_csrf(request)
        user = signed_in_user(request)
        login(request, user)
        return Response(MeOut(user).data)

    @extend_schema(responses={204: None})
    def delete(self, request):
        logout(request)
        return Response(status=204)


@csrf_exempt  # a POST or DELETE to a wrong address must get this JSON 404, not a CSRF page
def api_not_found(request, *args, **kwargs):
    from django.http import JsonResponse

    return JsonResponse({"code": "not_found", "detail": "There is no such address in the API. See /api/docs/."},
                        status=404)
