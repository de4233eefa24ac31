from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.form_index, name="form-index"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("<str:form>/<str:period>/", views.form_detail, name="form-detail"),
    path("<str:form>/<str:period>/generate/", views.form_generate_view, name="form-generate"),
    path(
        "<str:form>/<str:period>/versions/<int:number>/finalise/",
        views.form_finalise_view,
        name="form-finalise",
    ),
    path(
        "<str:form>/<str:period>/cells/<str:row>/<str:column>/",
        views.cell_view,
        name="cell",
    ),
]
