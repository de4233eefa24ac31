"""Everything under /api/v1/: each app contributes its own ``api_urls``."""

from django.urls import include, path, re_path

from core.apis import NotFoundApi

urlpatterns = [
    path("", include("core.api_urls")),
    path("", include("inspection.api_urls")),
    path("", include("reports.api_urls")),
    path("", include("insurance.api_urls")),
    path("", include("annuity.api_urls")),
    path("", include("contracts.api_urls")),
    path("", include("mhi_registry.api_urls")),
    # Last: a JSON 404 for every other path under /api/v1/.
    re_path(r"", NotFoundApi.as_view(), name="api-not-found"),
]
