from django.urls import include, path
from rest_framework.routers import SimpleRouter

from courses.api.comments import CommentViewSet
from courses.api.enrollments import LessonCompleteView
from payments.api.dashboard import CourseStatisticsView

router = SimpleRouter()
router.register("comments", CommentViewSet, basename="comment")

urlpatterns: list = [
    path("", include(router.urls)),
    path("lessons/<slug:slug>/complete/", LessonCompleteView.as_view(), name="lesson-complete"),
    path(
        "courses/<slug:slug>/statistics/", CourseStatisticsView.as_view(), name="course-statistics"
    ),
]
