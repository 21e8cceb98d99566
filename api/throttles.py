"""Limits on what is costly or guessable: signing in (per address) and uploads (per user)."""
from rest_framework.throttling import SimpleRateThrottle


class SignInThrottle(SimpleRateThrottle):
    """Password guesses, per client address, on POST only (fetching the CSRF cookie is free)."""

    scope = "sign_in"

    def get_cache_key(self, request, view):
        if request.method != "POST":
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class UploadThrottle(SimpleRateThrottle):
    """File uploads (evidence and pupil data), per signed-in user, on POST only."""

    scope = "uploads"

    def get_cache_key(self, request, view):
        if request.method != "POST" or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
