"""Reports API under /api/v1/ (INTERFACES.md § Reports)."""

from django.urls import path

from . import apis

app_name = "reports_api"

urlpatterns = [
    path("reports/<str:form>/<str:period>/", apis.ReportApi.as_view(), name="report"),
    path(
        "reports/<str:form>/<str:period>/versions/",
        apis.VersionListApi.as_view(),
        name="versions",
    ),
    path(
        "reports/<str:form>/<str:period>/versions/<str:number>/",
        apis.VersionApi.as_view(),
        name="version",
    ),
    path(
        "reports/<str:form>/<str:period>/versions/<str:number>/xlsx",
        apis.VersionXlsxApi.as_view(),
        name="version-xlsx",
    ),
    path(
        "reports/<str:form>/<str:period>/versions/<str:number>/pdf",
        apis.VersionPdfApi.as_view(),
        name="version-pdf",
    ),
    path(
        "reports/<str:form>/<str:period>/versions/<str:number>/finalise/",
        apis.VersionFinaliseApi.as_view(),
        name="version-finalise",
    ),
]
