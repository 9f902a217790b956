"""Fields shared by the courses serializers: durations, thumbnails, categories, currencies
and prices, and the caller-scoped id (`CallerScopedField`)."""

import re
from decimal import Decimal

from drf_spectacular.utils import (
    extend_schema_field,
)
from rest_framework import serializers
from rest_framework.exceptions import ParseError

from core.images import validate_image_upload
from core.limits import (
    MAX_JSON_DEPTH,
    PlainDecimalField,
    json_depth_exceeds,
    numeric_string_error,
)
from core.money import MAX_PRICE, format_amount, price_error
from core.parsers import json_loads_bounded
from courses.models import (
    CURRENCY_CHOICES,
)

MAX_DURATION_SECONDS = 2_147_483_647  # PositiveIntegerField's ceiling on every database


HHMMSS = re.compile(r"^(\d+):([0-5]?\d):([0-5]?\d)$")


def format_duration(seconds: int | None) -> str:
    """`"HH:MM:SS"` (hours may pass 99); `"00:00:00"` when unknown, never null."""
    seconds = int(seconds or 0)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}"


@extend_schema_field(
    {
        "oneOf": [
            {"type": "integer", "minimum": 0},
            {"type": "string", "example": "00:10:30"},
        ],
        "description": 'Seconds (number or numeric string) or "HH:MM:SS"; null or "" '
        "means unknown (0).",
    }
)
class LessonDurationField(serializers.Field):
    default_error_messages = {
        "invalid": 'Enter a number of seconds or a duration as "HH:MM:SS".',
        "range": "The duration must be between 0 and {max} seconds.",
    }

    def to_internal_value(self, data) -> int:
        if isinstance(data, bool):
            self.fail("invalid")
        seconds = None
        if isinstance(data, int):
            seconds = data
        elif isinstance(data, float):
            if data != data or data in (float("inf"), float("-inf")):
                self.fail("invalid")
            seconds = round(data)
        elif isinstance(data, str):
            if numeric_string_error(data):
                # "1e100000000" would otherwise become a 100-million-digit int.
                self.fail("invalid")
            text = data.strip()
            match = HHMMSS.match(text)
            if not text:
                # An emptied duration input, like null: unknown, stored as 0.
                seconds = 0
            elif match:
                hours, minutes, secs = (int(part) for part in match.groups())
                seconds = hours * 3600 + minutes * 60 + secs
            else:
                try:
                    number = Decimal(text)
                except ArithmeticError:
                    self.fail("invalid")
                if not number.is_finite():
                    self.fail("invalid")
                seconds = int(number.to_integral_value())
        if seconds is None:
            self.fail("invalid")
        if seconds < 0 or seconds > MAX_DURATION_SECONDS:
            self.fail("range", max=MAX_DURATION_SECONDS)
        return seconds

    def to_representation(self, value) -> str:
        return format_duration(value)


class ThumbnailField(serializers.ImageField):
    """Out: an absolute URL (the storage's own when it already is one, as on R2) or null.
    In: an upload decoded by Pillow (JPEG, PNG or WebP, at most 5 MB and 4096x4096)."""

    def to_internal_value(self, data):
        if isinstance(data, str) and self._is_current_url(data):
            # A form that echoes back the thumbnail it read (its URL, not a file) keeps it.
            raise serializers.SkipField()
        file = serializers.FileField.to_internal_value(self, data)
        try:
            validate_image_upload(file)
        except Exception as exc:  # Django's ValidationError carries the message
            messages = getattr(exc, "messages", None) or ["Upload a valid image."]
            raise serializers.ValidationError(messages) from exc
        return file

    def _is_current_url(self, text: str) -> bool:
        instance = getattr(self.parent, "instance", None)
        current = getattr(instance, self.source, None) if instance is not None else None
        if not current or not text.strip():
            return False
        url = current.url
        request = self.context.get("request")
        known = {url, request.build_absolute_uri(url) if request is not None else url}
        return text.strip() in known


class NullableCategoryField(serializers.PrimaryKeyRelatedField):
    """A category id; `""` (what a multipart form sends for "none") and null clear it."""

    def to_internal_value(self, data):
        if data == "":
            return None
        return super().to_internal_value(data)


class CurrencyField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=CURRENCY_CHOICES, **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str):
            data = data.strip().lower()
        return super().to_internal_value(data)


def price_field(**kwargs) -> serializers.DecimalField:
    return PlainDecimalField(
        max_digits=12,
        decimal_places=3,
        min_value=Decimal(0),
        max_value=MAX_PRICE,
        coerce_to_string=True,
        **kwargs,
    )


def validate_price_for_currency(price: Decimal, currency: str) -> None:
    """`core.money.price_error` as a serializer error."""
    error = price_error(price, currency)
    if error:
        raise serializers.ValidationError(error)


class PriceSerializer(serializers.Serializer):
    currency = CurrencyField()
    price = price_field()

    def validate(self, attrs):
        try:
            validate_price_for_currency(attrs["price"], attrs["currency"])
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({"price": exc.detail}) from exc
        return attrs

    def to_representation(self, instance):
        return {
            "currency": instance["currency"],
            "price": format_amount(instance["price"], instance["currency"]),
        }


@extend_schema_field(PriceSerializer(many=True))
class PricesField(serializers.Field):
    """`[{currency, price}]`; in a multipart form, the same list as a JSON string."""

    default_error_messages = {
        "invalid": "Send a list of objects with currency and price.",
        "duplicate": "Each currency may appear once.",
    }

    def to_internal_value(self, data):
        if isinstance(data, str):
            if json_depth_exceeds(data):
                # Like a body nested too deep (the contract's Limits): a request-level error.
                raise ParseError(f"`prices` is JSON nested deeper than {MAX_JSON_DEPTH} levels.")
            try:
                data = json_loads_bounded(data) if data.strip() else []
            except ValueError:
                self.fail("invalid")
        if not isinstance(data, list):
            self.fail("invalid")
        entries = PriceSerializer(data=data, many=True)
        entries.is_valid(raise_exception=True)
        currencies = [entry["currency"] for entry in entries.validated_data]
        if len(currencies) != len(set(currencies)):
            self.fail("duplicate")
        return entries.validated_data

    def to_representation(self, value):
        return value


class CallerScopedField(serializers.PrimaryKeyRelatedField):
    """The id (a UUID) of something the caller can see, looked up in `visible_to(user)`
    (a selector taking the request's user, None without a request): anything else "does
    not exist" (400), so a draft's ids are no more use than unknown ones."""

    def __init__(self, visible_to, **kwargs):
        self.visible_to = visible_to
        super().__init__(pk_field=serializers.UUIDField(), **kwargs)

    def get_queryset(self):
        return self.visible_to(getattr(self.context.get("request"), "user", None))
