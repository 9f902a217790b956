"""HTTP for core: the universities students pick at onboarding, and the health check."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.permissions import SAFE_METHODS, AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core import services
from core.api.serializers import HealthSerializer, LivenessSerializer, UniversitySerializer
from core.limits import BoundedSearchFilter
from core.permissions import IsAdmin
from core.selectors import health_status, universities_list


@extend_schema_view(
    list=extend_schema(description="Public. `search` by name or city; ordered by name."),
    destroy=extend_schema(
        description="Admin. A university picked in onboarding answers → 409 `university_in_use`."
    ),
)
class UniversityViewSet(viewsets.ModelViewSet):
    serializer_class = UniversitySerializer
    filter_backends = [BoundedSearchFilter]
    search_fields = ["name", "city"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return universities_list()

    def get_permissions(self):
        if self.request.method in SAFE_METHODS:
            return [AllowAny()]
        return [IsAdmin()]

    def perform_destroy(self, instance):
        services.university_delete(university=instance)


class HealthView(APIView):
    """Readiness for load balancers: never throttled (throttles live in the cache it checks)."""

    permission_classes = [AllowAny]
    throttle_classes: list = []

    @extend_schema(
        description=(
            "Readiness: asks the database (`SELECT 1`) and the cache (a write and a read) "
            "and answers 503 naming the failing part. Take an app server out of the load "
            "balancer while this fails. Never throttled; exempt from the HTTPS redirect so "
            "plain-HTTP probes work. While Redis is down the rest of the API keeps "
            "answering (throttling and caching pass through) but this reports "
            "`cache: error`."
        ),
        responses={
            200: HealthSerializer,
            503: OpenApiResponse(HealthSerializer, description="`error` names the failing part"),
        },
    )
    def get(self, request):
        result = health_status()
        code = (
            status.HTTP_200_OK if result["status"] == "ok" else status.HTTP_503_SERVICE_UNAVAILABLE
        )
        return Response(result, status=code)


class LivenessView(APIView):
    """Liveness: the process serves requests. No database, cache or token lookup."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes: list = []

    @extend_schema(
        auth=[],
        description=(
            'Liveness: 200 `{"status": "ok"}` while the process serves requests, '
            "with no I/O at all (no database, cache or token check; an `Authorization` "
            "header is ignored). Restart the process when this fails; use `health/` "
            "(readiness) to decide whether it gets traffic. Never throttled; exempt from "
            "the HTTPS redirect."
        ),
        responses={200: LivenessSerializer},
    )
    def get(self, request):
        return Response({"status": "ok"})
