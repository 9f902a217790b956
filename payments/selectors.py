"""Reads for payments: orders scoped to who may see them.

Every order lookup by the API goes through `orders_visible_to`, so another user's order
is a 404, never a 403 that would confirm it exists.
"""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from courses.models import Course, Enrollment
from courses.reviews_selectors import tutor_rating_totals
from courses.selectors import courses_for_summary
from payments.models import Order, Payment, PaymentStatus


def orders_visible_to(user) -> QuerySet[Order]:
    """The caller's orders, newest first; every order for admins."""
    orders = (
        Order.objects.select_related("course")
        .prefetch_related(Prefetch("payments", queryset=Payment.objects.order_by("created_at")))
        .order_by("-created_at")
    )
    if user.is_admin:
        return orders
    return orders.filter(user=user)


def orders_owned_by(user) -> QuerySet[Order]:
    """Only the caller's own orders (the success page: not even admins see others')."""
    return orders_visible_to(user).filter(user=user)


# --- Tutor dashboard --------------------------------------------------------------------
#
# Earnings are completed, unrefunded payments (a refund turns the payment `refunded`),
# counted in the course's default currency only: there are no exchange rates here, so a
# payment in another currency is not added to a number in the default one. Every number
# comes from a fixed set of aggregate queries, whatever the number of courses or orders.

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


def as_number(amount: Decimal | None) -> float | int:
    """A JSON number for the dashboard (the SPA does arithmetic on it)."""
    amount = Decimal(amount or 0).quantize(Decimal("0.001"))
    return int(amount) if amount == amount.to_integral_value() else float(amount)


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
            "earnings": as_number(earned.get(key)),
            "students": joined.get(key, 0),
        }
        for key in (start.strftime("%Y-%m") for start in starts)
    ]


def tutor_courses(*, tutor) -> QuerySet[Course]:
    """The tutor's courses in any state, newest first, ready for the course summary
    shape, with `earnings` annotated."""
    return (
        courses_for_summary(courses=Course.objects.filter(tutors=tutor), user=tutor)
        .annotate(earnings=course_earnings_subquery())
        .order_by("-created_at")
    )


def tutor_quick_statistics(*, tutor) -> dict:
    """The dashboard header of a tutor (admins see the courses they tutor themselves).

    `recent_enrollments` counts active enrollments made in the last 7 days;
    `average_rating` is the mean of the visible reviews of all the tutor's courses (one
    decimal), `rating` a course's stored one; both 0 while there is none.
    """
    courses = list(
        Course.objects.filter(tutors=tutor)
        .annotate(earnings=course_earnings_subquery())
        .order_by("-students_count", "title")
        .values("id", "title", "is_published", "students_count", "earnings", "rating")
    )
    average_rating, total_reviews = tutor_rating_totals(tutor=tutor)
    enrollments = Enrollment.objects.filter(course__tutors=tutor)
    active = enrollments.filter(is_active=True)
    total = sum((course["earnings"] for course in courses), Decimal(0))
    return {
        "total_earnings": as_number(total),
        "active_students": active.values("user_id").distinct().count(),
        "published_courses": sum(1 for course in courses if course["is_published"]),
        "draft_courses": sum(1 for course in courses if not course["is_published"]),
        "average_rating": as_number(average_rating),
        "total_reviews": total_reviews,
        "recent_enrollments": active.filter(
            enrolled_at__gte=timezone.now() - timedelta(days=RECENT_DAYS)
        ).count(),
        "monthly_earnings": _monthly(
            payments=_earning_payments().filter(order__course__tutors=tutor),
            enrollments=enrollments,
        ),
        "course_performance": [
            {
                "id": str(course["id"]),
                "title": course["title"],
                "students": course["students_count"],
                "rating": as_number(course["rating"]),
                "earnings": as_number(course["earnings"]),
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
    earned = payments.aggregate(total=Sum("amount"))["total"]
    active = counts["active"]
    return {
        "students_count": counts["students"],
        "active_students": active,
        "completion_rate": round(100 * counts["finished"] / active, 1) if active else 0,
        "earnings": as_number(earned),
        "monthly": _monthly(payments=payments, enrollments=enrollments),
    }
