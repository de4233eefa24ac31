from django.urls import path

from . import apis

urlpatterns = [
    path(
        "voluntary/contracts/", apis.ContractListCreateApi.as_view(), name="api-voluntary-contracts"
    ),
    path(
        "voluntary/contracts/<int:pk>/",
        apis.ContractDetailApi.as_view(),
        name="api-voluntary-contract",
    ),
    path("voluntary/contracts/<int:pk>/premium-payments/", apis.PremiumPaymentApi.as_view()),
    path("voluntary/contracts/<int:pk>/agreements/", apis.AgreementApi.as_view()),
    path("voluntary/contracts/<int:pk>/duplicates/", apis.DuplicateApi.as_view()),
    path("voluntary/events/", apis.EventListCreateApi.as_view(), name="api-voluntary-events"),
    path("voluntary/events/<int:pk>/", apis.EventDetailApi.as_view(), name="api-voluntary-event"),
    path("voluntary/claims/", apis.ClaimListCreateApi.as_view(), name="api-voluntary-claims"),
    path("voluntary/claims/<int:pk>/", apis.ClaimDetailApi.as_view(), name="api-voluntary-claim"),
    path("voluntary/claims/<int:pk>/decision/", apis.DecisionApi.as_view()),
    path("voluntary/claims/<int:pk>/decision/appeals/", apis.AppealApi.as_view()),
    path("voluntary/claims/<int:pk>/documents/", apis.ClaimDocumentsApi.as_view()),
    path(
        "voluntary/claims/<int:pk>/missing-documents-notices/", apis.MissingDocumentsApi.as_view()
    ),
    path("voluntary/claims/<int:pk>/payouts/", apis.PayoutCreateApi.as_view()),
    path("voluntary/claims/<int:pk>/shortfall-duties/", apis.ShortfallApi.as_view()),
    path("voluntary/payouts/<int:pk>/recoveries/", apis.RecoveryCreateApi.as_view()),
    path("voluntary/breaches/", apis.BreachListApi.as_view(), name="api-voluntary-breaches"),
]
