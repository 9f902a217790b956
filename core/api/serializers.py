from rest_framework import serializers

from core.models import University


class UniversitySerializer(serializers.ModelSerializer):
    class Meta:
        model = University
        fields = ["id", "name", "city", "country", "global_rank"]


class HealthSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="`ok`, or `error` when any part fails")
    database = serializers.CharField(help_text="`ok` or `error`")
    cache = serializers.CharField(help_text="`ok` or `error`")


class LivenessSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="always `ok`")
