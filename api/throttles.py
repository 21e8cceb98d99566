"""Limits on what is costly or guessable: signing in (per client address) and uploads (per user).

`client_address` is the one place that says which address a request came from.
"""
import ipaddress
import math
from functools import lru_cache

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in trusted)


def _address(text: str) -> IPAddress | None:
    """An IP address from a header entry ("203.0.113.5", "203.0.113.5:51234", "[2001:db8::7]:443"), or None."""
    text = text.strip()
    if text.startswith("[") and "]" in text:
        text = text[1:text.index("]")]
    elif text.count(":") == 1:  # IPv4 with a port; IPv6 has at least two colons
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def client_address(request) -> str:
    """The address of the client that sent `request` (a Django or DRF request), as far as can be trusted.

    REMOTE_ADDR is the peer that connected to us. X-Forwarded-For is written by whoever sends the
    request, so it is read only when that peer is one of settings.TRUSTED_PROXIES (IPs or networks;
    none by default), and then only its right-most address that is not itself a trusted proxy: that
    is what our own proxies appended, and anything left of it may be made up. If that entry is not
    an address, the proxy's own address is used (stricter, never looser).
    """
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    peer = _address(remote)
    if not trusted or peer is None or not any(peer in network for network in trusted):
        return remote
    for entry in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        if not entry.strip():
            continue
        address = _address(entry)
        if address is None:
            return remote
        if not any(address in network for network in trusted):
            return str(address)
    return remote


class SignInThrottle(SimpleRateThrottle):
    """Password guesses, per client address, on POST only (fetching the CSRF cookie is free).

    One count per address for every way in: the token and session endpoints, and the admin's
    sign-in form (config.security.SignInFormThrottleMiddleware, through `sign_in_wait`).
    """

    scope = "sign_in"

    def get_ident(self, request):
        return client_address(request)

    def get_cache_key(self, request, view):
        if request.method != "POST":
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def sign_in_wait(request) -> int | None:
    """Count one sign-in attempt (a POST) outside the API; None if allowed, else the seconds to wait."""
    throttle = SignInThrottle()
    if throttle.allow_request(request, None):
        return None
    return max(1, math.ceil(throttle.wait() or 1))


class UploadThrottle(SimpleRateThrottle):
    """File uploads (evidence and pupil data), per signed-in user, on POST only."""

    scope = "uploads"

    def get_cache_key(self, request, view):
        if request.method != "POST" or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
