from django.urls import path

from . import views

app_name = "contracts"
urlpatterns = [
    path("violators/", views.violator_list, name="violator-list"),
    path("violators/notices/", views.notice_batch, name="notice-batch"),
    path("cases/<int:pk>/", views.case_detail, name="case-detail"),
    path("cases/<int:pk>/action/", views.case_action, name="case-action"),
    path("notices/<int:pk>.pdf", views.notice_pdf, name="notice-pdf"),
    path("coverage/", views.coverage_page, name="coverage"),
    path("my-contracts/", views.insurer_contracts, name="insurer-contracts"),
]
