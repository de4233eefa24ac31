from django.urls import path

from . import apis

urlpatterns = [
    path("mhi/status/", apis.StatusApi.as_view(), name="api-mhi-status"),
    path(
        "mhi/manual-inclusions/",
        apis.ManualInclusionApi.as_view(),
        name="api-mhi-manual-inclusions",
    ),
]
