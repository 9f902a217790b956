from django.urls import path
from rest_framework.routers import SimpleRouter

from core.api.views import HealthView, UniversityViewSet

router = SimpleRouter()
router.register("universities", UniversityViewSet, basename="university")

urlpatterns = [
    path("health/", HealthView.as_view(), name="health"),
    *router.urls,
]
