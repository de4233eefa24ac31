from django.urls import path

from . import views

app_name = "inspection"
urlpatterns = [
    path("inspections/", views.inspection_list, name="inspection-list"),
    path("inspections/new/", views.inspection_create, name="inspection-create"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection-detail"),
    path("inspections/<int:pk>/edit/", views.inspection_edit, name="inspection-edit"),
    path("accidents/", views.accident_list, name="accident-list"),
    path("accidents/new/", views.accident_create, name="accident-create"),
    path("accidents/<int:pk>/", views.accident_detail, name="accident-detail"),
    path("accidents/<int:pk>/edit/", views.accident_edit, name="accident-edit"),
]
