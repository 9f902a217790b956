"""`/api/users/`: the admin's user directory."""

from rest_framework.routers import SimpleRouter

from users.api.views import UserAdminViewSet

router = SimpleRouter()
router.register("users", UserAdminViewSet, basename="user")

urlpatterns = router.urls
