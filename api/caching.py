"""Responses cached by a fingerprint of the data behind them: ETag, 304 on a match."""
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified


def etag_matches(request, fingerprint: str) -> bool:
    sent = request.headers.get("If-None-Match", "")
    return any(tag.strip().removeprefix("W/").strip('"') == fingerprint for tag in sent.split(",") if tag.strip())


def not_modified(fingerprint: str) -> HttpResponseNotModified:
    response = HttpResponseNotModified()
    tag_response(response, fingerprint)
    return response


def tag_response(response: HttpResponse, fingerprint: str) -> HttpResponse:
    response["ETag"] = f'"{fingerprint}"'
    # Always revalidate: the answer depends on who asks and on data that can change at any time.
    response["Cache-Control"] = "private, no-cache"
    return response


def cached(kind: str, fingerprint: str, build: Callable[[], object]) -> object:
    """The cached value of one kind ("results", "chart") for a fingerprint of its data; the
    fingerprint changes when the data does, so an entry is never stale. The one place keys are built."""
    key = f"{kind}:{fingerprint}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, settings.RESULTS_CACHE_SECONDS)
    return value
