"""Routes of `/api/courses/`. Resources are router-registered (trailing slashes, detail
by slug); operations on them (video OTP, enroll, complete) add one line each
below."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from courses.api.catalogue import CategoryViewSet, CourseViewSet
from courses.api.comments import CommentViewSet
from courses.api.enrollment import CourseEnrollView, EnrollmentViewSet, LessonCompleteView
from courses.api.lessons import CoursePartViewSet, LessonViewSet
from courses.api.reviews import ReviewViewSet
from courses.api.tutors import TutorMeView, TutorViewSet
from courses.api.video import LessonVideoOtpView, UploadCredentialsView

router = SimpleRouter(trailing_slash=True)
router.register("categories", CategoryViewSet, basename="category")
router.register("courses", CourseViewSet, basename="course")
router.register("course-parts", CoursePartViewSet, basename="course-part")
router.register("lessons", LessonViewSet, basename="lesson")
router.register("comments", CommentViewSet, basename="comment")
router.register("reviews", ReviewViewSet, basename="review")
router.register("enrollments", EnrollmentViewSet, basename="enrollment")

urlpatterns: list = [
    path("lessons/<slug:slug>/video-otp/", LessonVideoOtpView.as_view(), name="lesson-video-otp"),
    path(
        "vdocipher/upload-credentials/",
        UploadCredentialsView.as_view(),
        name="vdocipher-upload-credentials",
    ),
    path("", include(router.urls)),
    path("courses/<slug:slug>/enroll/", CourseEnrollView.as_view(), name="course-enroll"),
    path("lessons/<slug:slug>/complete/", LessonCompleteView.as_view(), name="lesson-complete"),
]

# Mounted under `/api/auth/`: the tutor's own page.
auth_urlpatterns: list = [
    path("tutors/me/", TutorMeView.as_view(), name="auth-tutor-me"),
]

# Mounted under `/api/`: the public tutor directory.
directory_router = SimpleRouter()
directory_router.register("tutors", TutorViewSet, basename="tutor")
directory_urlpatterns: list = directory_router.urls
