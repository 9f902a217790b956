from rest_framework.routers import SimpleRouter

from users.api.views import TutorViewSet, UserAdminViewSet

router = SimpleRouter()
router.register("users", UserAdminViewSet, basename="user")
router.register("tutors", TutorViewSet, basename="tutor")

urlpatterns = router.urls
