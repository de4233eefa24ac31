from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # A person opening the docs in a browser is sent to the login page. The split
    # view serves its script from a URL of its own, as the Content-Security-Policy asks.
    path(
        "api/docs/",
        login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    path("inspection/", include("inspection.urls")),
    path("reports/", include("reports.urls")),
    path("voluntary/", include("insurance.urls")),
    path("osns/", include("contracts.urls")),
    path("mhi/", include("mhi_registry.urls")),
    path("fhir/", include("mhi_registry.fhir_urls")),
    path("", include("core.urls")),
]

admin.site.site_header = "Еңбекті қорғау және қауіпсіздік / Охрана и безопасность труда"
