from django.urls import include, path
from rest_framework.routers import SimpleRouter

from courses.api.comments import CommentViewSet

router = SimpleRouter()
router.register("comments", CommentViewSet, basename="comment")

urlpatterns: list = [
    path("", include(router.urls)),
]
