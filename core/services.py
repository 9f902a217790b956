"""Writes for core reference data."""

from django.db import transaction

from core.exceptions import Conflict
from core.models import University


@transaction.atomic
def university_delete(*, university: University) -> None:
    """Delete a university nobody picked at onboarding; one still referenced is a 409
    `university_in_use` (the answers keep pointing at it)."""
    if university.onboarding_answers.exists():
        raise Conflict("Students picked this university at onboarding.", code="university_in_use")
    university.delete()
