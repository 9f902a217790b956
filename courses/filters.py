"""Query-string filters of the course catalogue.

Every value is validated by a form field first: a malformed id, a negative, huge or
non-numeric price, or an unknown boolean is a 400 on that parameter, never a 500.
"""

import uuid

import django_filters
from django.db.models import F, Q, QuerySet
from rest_framework.filters import OrderingFilter

from core.limits import PlainNumberFilter
from core.money import MAX_PRICE
from courses.models import Course


class CourseFilter(django_filters.FilterSet):
    category = django_filters.CharFilter(
        method="filter_category", max_length=140, help_text="Category id or slug."
    )
    tutor = django_filters.UUIDFilter(field_name="tutors__id", help_text="Tutor id.")
    is_free = django_filters.ChoiceFilter(
        method="filter_is_free",
        choices=[(value, value) for value in ("true", "false", "True", "False", "1", "0")],
        help_text="true or false; anything else is a 400.",
    )
    min_price = PlainNumberFilter(
        field_name="price",
        lookup_expr="gte",
        min_value=0,
        max_value=MAX_PRICE,
        max_digits=12,
        decimal_places=3,
    )
    max_price = PlainNumberFilter(
        field_name="price",
        lookup_expr="lte",
        min_value=0,
        max_value=MAX_PRICE,
        max_digits=12,
        decimal_places=3,
    )

    min_rating = PlainNumberFilter(
        field_name="rating",
        lookup_expr="gte",
        min_value=0,
        max_value=5,
        max_digits=2,
        decimal_places=1,
        help_text="Courses rated at least this (0-5, one decimal); unrated ones are left out.",
    )

    class Meta:
        model = Course
        fields = ["category", "tutor", "is_free", "min_price", "max_price", "min_rating"]

    def filter_category(self, queryset: QuerySet[Course], name: str, value: str):
        if not value:
            return queryset
        try:
            return queryset.filter(Q(category_id=uuid.UUID(value)) | Q(category__slug=value))
        except ValueError:
            return queryset.filter(category__slug=value)

    def filter_is_free(self, queryset: QuerySet[Course], name: str, value):
        if value in ("", None):
            return queryset
        free = value in ("true", "True", "1")
        return queryset.filter(price=0) if free else queryset.filter(price__gt=0)


class StableOrderingFilter(OrderingFilter):
    """DRF's ordering, with a unique tie-breaker so pages never repeat or skip a course.

    Courses without a rating come last whichever way `rating` is ordered."""

    nulls_last_fields = ("rating",)

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view)
        if not ordering:
            return queryset
        return queryset.order_by(*(self._nulls_last(field) for field in ordering))

    def _nulls_last(self, field: str):
        name = field.lstrip("-")
        if name not in self.nulls_last_fields:
            return field
        expression = F(name)
        return (
            expression.desc(nulls_last=True)
            if field.startswith("-")
            else expression.asc(nulls_last=True)
        )

    def get_ordering(self, request, queryset, view):
        ordering = list(super().get_ordering(request, queryset, view) or [])
        if "id" not in ordering and "-id" not in ordering:
            ordering.append("id")
        return ordering
