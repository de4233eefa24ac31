"""Core reference data over the REST API."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.views import APIView

from core.models import Region


class RegionOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "kato", "name_kk", "name_ru", "name_en"]


@extend_schema(
    tags=["reference"],
    summary="Regions",
    description="The 20 first-level КАТО units, in КАТО order: the rows of both monthly forms.",
)
class RegionListApi(ListAPIView):
    serializer_class = RegionOutputSerializer
    queryset = Region.objects.order_by("kato")
    filter_backends: list = []


@extend_schema(exclude=True)
class NotFoundApi(APIView):
    """Any path under the API that names no endpoint: a JSON 404 after authentication.

    Without it Django would answer with its HTML page, which API clients
    cannot read.
    """

    def http_method_not_allowed(self, request, *args, **kwargs):
        raise NotFound()

    def options(self, request, *args, **kwargs):
        raise NotFound()
