from django.urls import path

from . import apis

urlpatterns = [
    path("inspections/", apis.InspectionListCreateApi.as_view(), name="api-inspection-list"),
    path("inspections/<int:pk>/", apis.InspectionDetailApi.as_view(), name="api-inspection-detail"),
    path("accidents/", apis.AccidentListCreateApi.as_view(), name="api-accident-list"),
    path("accidents/<int:pk>/", apis.AccidentDetailApi.as_view(), name="api-accident-detail"),
]
