"""Response headers Django 5.2 does not set itself (a Content Security Policy, a Permissions Policy),
refusing NUL characters in addresses, and the sign-in throttle on the admin's sign-in form."""
from django.http import HttpResponse, JsonResponse
from django.urls import reverse

from api.throttles import sign_in_wait

# The frontend is plain ES modules and one stylesheet from this origin: nothing inline, no CDN.
POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
          "frame-ancestors 'none'")
# Swagger UI's page (a third-party template) carries one inline <style> block.
DOCS_POLICY = POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = DOCS_POLICY if request.path.startswith("/api/docs/") else POLICY
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS)
        return response


class RefuseNulInQueryMiddleware:
    """A NUL character in the address or query cannot match anything and PostgreSQL refuses it
    in a query: answer 400 at once rather than a 500 from the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any("\x00" in key or any("\x00" in v for v in values)
                                          for key, values in request.GET.lists()):
            return JsonResponse({"code": "invalid", "detail": "The address cannot contain the NUL character "
                                                              "(%00). Remove it and try again."}, status=400)
        return self.get_response(request)


class SignInFormThrottleMiddleware:
    """Password guesses at the admin's sign-in form count against the same per-address limit as the
    API's sign-in (THROTTLE_SIGN_IN, api.throttles.SignInThrottle); beyond it, 429 before the form
    checks anything. The frontend's /login/ page signs in through the API, so it needs nothing here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.path == reverse("admin:login"):
            wait = sign_in_wait(request)
            if wait is not None:
                response = HttpResponse(f"Too many sign-in attempts from your address. Wait {wait} seconds, "
                                        "then try again.", status=429, content_type="text/plain; charset=utf-8")
                response["Retry-After"] = str(wait)
                return response
        return self.get_response(request)
