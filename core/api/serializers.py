from rest_framework import serializers

from core.limits import PlainIntegerField
from core.models import University

POSITIVE_INTEGER_MAX = 2_147_483_647  # PositiveIntegerField's ceiling on every database


class UniversitySerializer(serializers.ModelSerializer):
    global_rank = PlainIntegerField(
        required=False, allow_null=True, min_value=0, max_value=POSITIVE_INTEGER_MAX
    )

    class Meta:
        model = University
        fields = ["id", "name", "city", "country", "global_rank"]


class HealthSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="`ok`, or `error` when any part fails")
    database = serializers.CharField(help_text="`ok` or `error`")
    cache = serializers.CharField(help_text="`ok` or `error`")


class LivenessSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="always `ok`")
