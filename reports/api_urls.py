"""Reports API under /api/v1/ (INTERFACES.md § Reports)."""

from django.urls import path

from . import apis

app_name = "reports_api"

VERSION = "reports/<str:form>/<str:period>/versions/<str:number>/"

urlpatterns = [
    path("reports/<str:form>/<str:period>/", apis.ReportApi.as_view(), name="report"),
    path(
        "reports/<str:form>/<str:period>/versions/", apis.VersionListApi.as_view(), name="versions"
    ),
    path(VERSION, apis.VersionApi.as_view(), name="version"),
    path(VERSION + "xlsx", apis.VersionXlsxApi.as_view(), name="version-xlsx"),
    path(VERSION + "pdf", apis.VersionPdfApi.as_view(), name="version-pdf"),
    path(VERSION + "finalise/", apis.VersionFinaliseApi.as_view(), name="version-finalise"),
]
