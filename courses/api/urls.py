"""Routes of `/api/courses/`. Resources are router-registered (trailing slashes, detail
by slug); operations on them (video OTP, enroll, complete, statistics) add one line each
below."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from courses.api.comments import CommentViewSet
from courses.api.enrollments import CourseEnrollView, EnrollmentViewSet, LessonCompleteView
from courses.api.views import CategoryViewSet, CoursePartViewSet, CourseViewSet, LessonViewSet
from payments.api.dashboard import CourseStatisticsView

router = SimpleRouter(trailing_slash=True)
router.register("categories", CategoryViewSet, basename="category")
router.register("courses", CourseViewSet, basename="course")
router.register("course-parts", CoursePartViewSet, basename="course-part")
router.register("lessons", LessonViewSet, basename="lesson")
router.register("comments", CommentViewSet, basename="comment")
router.register("enrollments", EnrollmentViewSet, basename="enrollment")

urlpatterns: list = [
    path("", include(router.urls)),
    path("courses/<slug:slug>/enroll/", CourseEnrollView.as_view(), name="course-enroll"),
    path("lessons/<slug:slug>/complete/", LessonCompleteView.as_view(), name="lesson-complete"),
    path(
        "courses/<slug:slug>/statistics/", CourseStatisticsView.as_view(), name="course-statistics"
    ),
]
