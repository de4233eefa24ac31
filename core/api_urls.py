from django.urls import path

from core import apis

urlpatterns = [
    path("regions/", apis.RegionListApi.as_view(), name="region-list"),
]
