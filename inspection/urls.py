# Placeholder routes; the inspection pages replace them.
from django.urls import path

from core.views import home

app_name = "inspection"
urlpatterns = [
    path("inspections/", home, name="inspection-list"),
    path("inspections/new/", home, name="inspection-create"),
    path("accidents/", home, name="accident-list"),
    path("accidents/new/", home, name="accident-create"),
]
