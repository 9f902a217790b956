"""Fill unknown lesson durations from VdoCipher (safe to run from cron, repeatedly)."""

from django.core.management.base import BaseCommand, CommandError

from courses.integrations import VideoServiceUnavailable
from courses.services.video import video_durations_sync


class Command(BaseCommand):
    help = (
        "For lessons with a video and duration 0, read the video's length from VdoCipher "
        "(GET /videos/{id}) and store it. Videos still encoding are left for a later run."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit", type=int, default=None, help="At most this many lessons in one run."
        )

    def handle(self, *args, limit=None, **options):
        if limit is not None and limit < 1:
            raise CommandError("--limit must be a positive number.")
        try:
            result = video_durations_sync(limit=limit)
        except VideoServiceUnavailable as exc:
            raise CommandError("VIDEO_SERVICE_SECRET_KEY is not set.") from exc
        self.stdout.write(
            f"updated {result.updated}, not ready {result.skipped}, failed {result.failed}"
        )
        if result.failed:
            # A non-zero exit so cron notices; the lessons that worked are saved.
            raise CommandError(f"{result.failed} video(s) could not be read from VdoCipher.")
