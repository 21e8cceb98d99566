"""The kinds of permission the API declares, each written once.

- Signed in (DRF's IsAuthenticated): the default (settings.REST_FRAMEWORK), so a view that says
  nothing needs a signed-in user.
- PublicReadMixin: anyone may read (GET, HEAD, OPTIONS); the view's other methods need a signed-in
  user. Whether a reader may see *this* project, evidence or finding is research.access's business,
  asked by the selectors (404 for what they may not see).
- Open (DRF's AllowAny): signing in itself (token, session), and the schema and its docs.

A method the view does not have answers 405 to everyone, signed in or not, never 401 first.
"""
from rest_framework.permissions import SAFE_METHODS, AllowAny, IsAuthenticated

__all__ = ["AllowAny", "IsAuthenticated", "PublicReadMixin"]


def _handles(view, method: str) -> bool:
    """Whether the view has a handler for `method` (a viewset: in its action map for this route)."""
    action_map = getattr(view, "action_map", None)
    if action_map is not None:
        return method in action_map
    return hasattr(view, method)


# No docstring: drf-spectacular would take it as the description of every view that has none.
class PublicReadMixin:
    # For views anyone may read and only signed-in users may write to. It chooses AllowAny or
    # IsAuthenticated per request rather than being one permission class, so that the OpenAPI schema
    # says which operations need no credentials (drf-spectacular recognises AllowAny).

    def get_permissions(self):
        method = self.request.method.lower()
        if self.request.method in SAFE_METHODS or not _handles(self, method):
            return [AllowAny()]
        return [IsAuthenticated()]
