"""Routes of `/api/courses/`. Resources are router-registered (trailing slashes, detail
by slug); operations on them (video OTP, enroll, complete, statistics, comments) add one
line each below."""

from django.urls import path  # noqa: F401
from rest_framework.routers import SimpleRouter

from courses.api.views import CategoryViewSet, CoursePartViewSet, CourseViewSet, LessonViewSet

router = SimpleRouter(trailing_slash=True)
router.register("categories", CategoryViewSet, basename="category")
router.register("courses", CourseViewSet, basename="course")
router.register("course-parts", CoursePartViewSet, basename="course-part")
router.register("lessons", LessonViewSet, basename="lesson")

urlpatterns: list = [
    *router.urls,
]
