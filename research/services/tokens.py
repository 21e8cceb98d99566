"""API tokens for scripts: one per user, made on first sign-in with a password."""
from django.db import transaction
from rest_framework.authtoken.models import Token


@transaction.atomic
def api_token_get_or_create(*, user) -> str:
    """The user's token key (`Authorization: Token <key>`), created the first time it is asked for."""
    token, _ = Token.objects.get_or_create(user=user)
    return token.key
