from django.urls import include, path
from rest_framework.routers import SimpleRouter

from courses.api.comments import CommentViewSet
from courses.api.video import LessonVideoOtpView, UploadCredentialsView

router = SimpleRouter()
router.register("comments", CommentViewSet, basename="comment")

urlpatterns: list = [
    path("lessons/<str:slug>/video-otp/", LessonVideoOtpView.as_view(), name="lesson-video-otp"),
    path(
        "vdocipher/upload-credentials/",
        UploadCredentialsView.as_view(),
        name="vdocipher-upload-credentials",
    ),
    path("", include(router.urls)),
]
