from django.urls import path

from . import apis

urlpatterns = [
    path("annuity/contracts/", apis.AnnuityListCreateApi.as_view(), name="api-annuity-contracts"),
    path(
        "annuity/contracts/<int:pk>/", apis.AnnuityDetailApi.as_view(), name="api-annuity-contract"
    ),
    path("annuity/contracts/<int:pk>/payments/", apis.PaymentApi.as_view()),
    path("annuity/contracts/<int:pk>/recertifications/", apis.RecertificationApi.as_view()),
    path("annuity/contracts/<int:pk>/terminations/", apis.TerminationApi.as_view()),
]
