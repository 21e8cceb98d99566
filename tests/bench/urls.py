"""The product's routes plus a bare view to compare the project list against."""
from django.db.models import Q
from django.http import JsonResponse
from django.urls import path

from config.urls import urlpatterns as product_urls
from research import access
from research.models import Project

FIELDS = ("id", "title", "research_question", "subject", "phase", "academic_year", "term", "status",
          "alliance_id", "lead_id", "created_at", "updated_at")


def bare_project_page(request):
    """The floor: the same page of the same visible projects, straight from values()."""
    size = int(request.GET.get("page_size", 50))
    page = int(request.GET.get("page", 1))
    rows = Project.objects.filter(access.projects_visible_q(request.user) if request.user.is_authenticated
                                  else Q(status="published")).order_by("-created_at", "-id")
    return JsonResponse({"count": rows.count(),
                         "results": list(rows.values(*FIELDS)[(page - 1) * size:page * size])})


urlpatterns = [path("bench/bare-projects/", bare_project_page), *product_urls]
