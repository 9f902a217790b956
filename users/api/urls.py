from django.urls import path

from payments.api.dashboard import TutorCoursesView, TutorQuickStatisticsView

urlpatterns: list = [
    path(
        "tutors/me/quick_statistics/",
        TutorQuickStatisticsView.as_view(),
        name="tutor-quick-statistics",
    ),
    path("tutors/me/courses/", TutorCoursesView.as_view(), name="tutor-courses"),
]
