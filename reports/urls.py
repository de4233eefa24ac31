# Placeholder routes; the report pages replace them.
from django.urls import path

from core.views import home

app_name = "reports"
urlpatterns = [
    path("", home, name="form-index"),
    path("dashboard/", home, name="dashboard"),
]
