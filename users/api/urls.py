from django.urls import path

from payments.api.dashboard import TutorQuickStatisticsView

urlpatterns: list = [
    path(
        "tutors/me/quick_statistics/",
        TutorQuickStatisticsView.as_view(),
        name="tutor-quick-statistics",
    ),
]
