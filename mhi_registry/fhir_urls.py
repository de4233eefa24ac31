from django.urls import path

from .fhir import CoverageEligibilityApi

urlpatterns = [
    path(
        "CoverageEligibilityRequest",
        CoverageEligibilityApi.as_view(),
        name="fhir-coverage-eligibility",
    ),
    path(
        "CoverageEligibilityRequest/$submit",
        CoverageEligibilityApi.as_view(),
        name="fhir-coverage-eligibility-submit",
    ),
]
