from django.urls import path

from courses.api.video import LessonVideoOtpView, UploadCredentialsView

urlpatterns: list = [
    path("lessons/<str:slug>/video-otp/", LessonVideoOtpView.as_view(), name="lesson-video-otp"),
    path(
        "vdocipher/upload-credentials/",
        UploadCredentialsView.as_view(),
        name="vdocipher-upload-credentials",
    ),
]
