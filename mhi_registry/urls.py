from django.urls import path

from . import views

app_name = "mhi"

urlpatterns = [
    path("", views.lookup, name="lookup"),
    path("inclusions/new/", views.inclusion, name="inclusion"),
    path("ops/", views.ops, name="ops"),
]
