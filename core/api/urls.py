from django.urls import path
from rest_framework.routers import SimpleRouter

from core.api.views import HealthView, LivenessView, UniversityViewSet

router = SimpleRouter()
router.register("universities", UniversityViewSet, basename="university")

urlpatterns = [
    path("health/", HealthView.as_view(), name="health"),
    path("health/live/", LivenessView.as_view(), name="health-live"),
    *router.urls,
]
