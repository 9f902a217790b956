"""The courses admin, one module per concept (the same names as `courses/api/`);
importing them registers their ModelAdmins with the admin site."""

from courses.admin import catalogue, comments, enrollment, lessons, reviews, video  # noqa: F401
