"""Top-level routes: the API, its schema and docs, the admin and the frontend."""
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny

urlpatterns = [
    path("admin/", admin.site.urls),
    # Public: the API's default is signed-in only (api/permissions.py).
    path("api/schema/", SpectacularAPIView.as_view(permission_classes=[AllowAny]), name="schema"),
    # The split view serves its start-up script as a file, so the page passes a strict CSP.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema", permission_classes=[AllowAny]),
         name="api-docs"),
    path("api/v1/", include("api.urls")),
    path("", include("frontend.urls")),
]
