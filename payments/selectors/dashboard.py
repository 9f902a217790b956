"""The tutor dashboard's numbers: money from payments, students and courses from the
courses app's definitions (`courses.selectors`), so each number has one meaning.

Earnings are completed, unrefunded payments (a refund turns the payment `refunded`),
counted in the course's default currency only: there are no exchange rates here, so a
payment in another currency is not added to a number in the default one. Every number
comes from a fixed set of aggregate queries, whatever the number of courses or orders.
Amounts come back as `Decimal`s; the dashboard serializers write them as JSON numbers.
"""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from courses.models import Course, Enrollment
from courses.selectors.catalogue import (
    courses_for_summary,
    courses_of_tutor,
    enrollments_in_courses_of_tutor,
    tutor_active_students_count,
)
from courses.selectors.reviews import tutor_rating_totals
from payments.models import Payment, PaymentStatus

DASHBOARD_MONTHS = 6
RECENT_DAYS = 7


def _earning_payments() -> QuerySet[Payment]:
    return Payment.objects.filter(
        status=PaymentStatus.COMPLETED, currency=F("order__course__currency")
    )


def course_earnings_subquery() -> Coalesce:
    """Per-course earnings for `Course` querysets, as a correlated subquery (no fan-out)."""
    totals = (
        _earning_payments()
        .filter(order__course_id=OuterRef("pk"))
        .order_by()
        .values("order__course_id")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(
        Subquery(totals, output_field=DecimalField(max_digits=14, decimal_places=3)),
        Value(Decimal(0)),
        output_field=DecimalField(max_digits=14, decimal_places=3),
    )


def _month_starts(now: datetime) -> list[datetime]:
    """The first instants of the last `DASHBOARD_MONTHS` months (UTC), oldest first."""
    year, month = now.year, now.month
    starts = []
    for _ in range(DASHBOARD_MONTHS):
        starts.append(datetime(year, month, 1, tzinfo=UTC))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def _monthly(*, payments: QuerySet[Payment], enrollments: QuerySet[Enrollment]) -> list[dict]:
    """`[{month: "YYYY-MM", earnings, students}]` for the last six months, oldest first:
    earnings by the month the payment completed, students by the month they enrolled."""
    starts = _month_starts(timezone.now())
    since = starts[0]
    earned = {
        row["month"].strftime("%Y-%m"): row["total"]
        for row in payments.filter(created_at__gte=since)
        .annotate(month=TruncMonth("created_at", tzinfo=UTC))
        .order_by()
        .values("month")
        .annotate(total=Sum("amount"))
    }
    joined = {
        row["month"].strftime("%Y-%m"): row["n"]
        for row in enrollments.filter(enrolled_at__gte=since)
        .annotate(month=TruncMonth("enrolled_at", tzinfo=UTC))
        .order_by()
        .values("month")
        .annotate(n=Count("pk"))
    }
    return [
        {
            "month": key,
            "earnings": earned.get(key, Decimal(0)),
            "students": joined.get(key, 0),
        }
        for key in (start.strftime("%Y-%m") for start in starts)
    ]


def tutor_courses(*, tutor) -> QuerySet[Course]:
    """The tutor's courses in any state, newest first, ready for the course summary
    shape, with `earnings` annotated."""
    return (
        courses_for_summary(courses=courses_of_tutor(tutor), user=tutor)
        .annotate(earnings=course_earnings_subquery())
        .order_by("-created_at")
    )


def _rating_number(rating: Decimal | None) -> float | int:
    """A rating as the dashboard's JSON number: 4.5, or 0 while there is none."""
    return float(rating) if rating is not None else 0


def tutor_quick_statistics(*, tutor) -> dict:
    """The dashboard header of a tutor (admins see the courses they tutor themselves).

    `recent_enrollments` counts active enrollments made in the last 7 days;
    `average_rating` is the mean of the visible reviews of all the tutor's courses (one
    decimal), a course's `rating` its stored one; both 0 while there is none.
    """
    courses = list(
        courses_of_tutor(tutor)
        .annotate(earnings=course_earnings_subquery())
        .order_by("-students_count", "title")
        .values("id", "title", "is_published", "students_count", "earnings", "rating")
    )
    average_rating, total_reviews = tutor_rating_totals(tutor=tutor)
    enrollments = enrollments_in_courses_of_tutor(tutor)
    total = sum((course["earnings"] for course in courses), Decimal(0))
    return {
        "total_earnings": total,
        "active_students": tutor_active_students_count(tutor),
        "published_courses": sum(1 for course in courses if course["is_published"]),
        "draft_courses": sum(1 for course in courses if not course["is_published"]),
        "average_rating": _rating_number(average_rating),
        "total_reviews": total_reviews,
        "recent_enrollments": enrollments.filter(
            is_active=True, enrolled_at__gte=timezone.now() - timedelta(days=RECENT_DAYS)
        ).count(),
        "monthly_earnings": _monthly(
            payments=_earning_payments().filter(order__course__tutors=tutor),
            enrollments=enrollments,
        ),
        "course_performance": [
            {
                "id": course["id"],
                "title": course["title"],
                "students": course["students_count"],
                "rating": _rating_number(course["rating"]),
                "earnings": course["earnings"],
            }
            for course in courses
        ],
    }


def course_statistics(*, course: Course) -> dict:
    """One course's numbers for its tutors.

    `students_count` counts everyone who ever enrolled (refunded ones included);
    `active_students` those whose enrollment is active; `completion_rate` is the
    percentage (0 to 100, one decimal) of active students who finished every lesson.
    """
    enrollments = Enrollment.objects.filter(course=course)
    counts = enrollments.aggregate(
        students=Count("pk"),
        active=Count("pk", filter=Q(is_active=True)),
        finished=Count("pk", filter=Q(is_active=True, completed_at__isnull=False)),
    )
    payments = _earning_payments().filter(order__course=course)
    earned = payments.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    active = counts["active"]
    return {
        "students_count": counts["students"],
        "active_students": active,
        "completion_rate": round(100 * counts["finished"] / active, 1) if active else 0,
        "earnings": earned,
        "monthly": _monthly(payments=payments, enrollments=enrollments),
    }
