"""Everything under /api/v1/: each app contributes its own ``api_urls``."""

from django.urls import include, path

urlpatterns = [
    path("", include("inspection.api_urls")),
    path("", include("reports.api_urls")),
]
