"""The courses app: everything taught (catalogue, tutor directory, enrollment and
progress, comments, video). The map of its modules is in README.md's Layout section."""

from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "courses"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the enrollment receipt's builder with the outbox (web and worker alike).
        from courses import emails  # noqa: F401
        from courses.signals import connect

        # Every catalogue write invalidates the cached catalogue pages.
        connect()
