from django.urls import path

from . import apis

urlpatterns = [
    path("osns/contracts/", apis.OsnsContractListCreateApi.as_view(), name="api-osns-contracts"),
    path("osns/contracts/bulk/", apis.OsnsContractBulkApi.as_view(), name="api-osns-bulk"),
    path(
        "osns/contracts/<int:pk>/", apis.OsnsContractDetailApi.as_view(), name="api-osns-contract"
    ),
    path(
        "osns/contracts/<int:pk>/terminate/",
        apis.OsnsContractTerminateApi.as_view(),
        name="api-osns-terminate",
    ),
    path("osns/violators/", apis.ViolatorsApi.as_view(), name="api-osns-violators"),
    path("osns/cases/", apis.CaseListApi.as_view(), name="api-osns-cases"),
    path("osns/cases/<int:pk>/", apis.CaseDetailApi.as_view(), name="api-osns-case"),
]
