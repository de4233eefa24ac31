from django.urls import path

from . import views

app_name = "insurance"

urlpatterns = [
    path("breaches/", views.breach_list, name="breach-list"),
    path("breaches.xlsx", views.breach_export, name="breach-export"),
    path("contracts/", views.contract_list, name="contract-list"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract-detail"),
    path("claims/<int:pk>/decision-letter.pdf", views.decision_letter, name="decision-letter"),
]
