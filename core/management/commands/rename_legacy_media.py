"""`manage.py rename_legacy_media [--dry-run] [--clear-invalid]`: give files stored
under a client's name the server's `<folder>/<uuid>.<ext>` name.

Before the server named uploads, a file kept the name the client sent (`avatars/x.html`).
For every row of every model with an `UploadedImageField` whose file is not yet named
the server's way, the file is decoded as an upload would be: a valid image is copied to
`<folder>/<uuid>.<ext>` (`ext` from the decode), the row is pointed at the copy (only if it
still names the old file, so a concurrent upload wins), then the old file is deleted.
A file that is not a valid image is left alone and listed (media serving answers it as
an `application/octet-stream` attachment), unless `--clear-invalid` removes it and clears
the row. A missing file is listed. Running it again changes nothing.
"""

import re
import uuid
from collections import Counter

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from core.cache import catalogue_changed
from core.images import (
    FORMAT_EXTENSIONS,
    IMAGE_CONTENT_TYPES,
    UploadedImageField,
    validate_image_upload,
)

SERVER_NAME = re.compile(r"[0-9a-f]{32}\.(?:" + "|".join(FORMAT_EXTENSIONS.values()) + ")")


def is_server_named(field: UploadedImageField, name: str) -> bool:
    folder, _, base = name.rpartition("/")
    expected_folder = field.generate_filename(None, "x").rpartition("/")[0]
    return folder == expected_folder and SERVER_NAME.fullmatch(base) is not None


class Command(BaseCommand):
    help = "Rename media stored under client file names to <folder>/<uuid>.<ext>."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Only list what would change.")
        parser.add_argument(
            "--clear-invalid",
            action="store_true",
            help="Delete files that are not valid images and clear their rows.",
        )

    def handle(self, *args, dry_run: bool = False, clear_invalid: bool = False, **options):
        counts: Counter[str] = Counter()
        for model in apps.get_models():
            for field in model._meta.concrete_fields:
                if isinstance(field, UploadedImageField):
                    self._rename_field(model, field, dry_run, clear_invalid, counts)
        self.stdout.write(
            self.style.SUCCESS(
                f"{'Would rename' if dry_run else 'Renamed'} {counts['renamed']}, "
                f"not images {counts['invalid']}, cleared {counts['cleared']}, "
                f"missing {counts['missing']}, already server-named {counts['ok']}."
            )
        )

    def _rename_field(self, model, field, dry_run, clear_invalid, counts) -> None:
        manager = model._base_manager
        column = field.attname
        rows = (
            manager.exclude(**{f"{column}__isnull": True})
            .exclude(**{column: ""})
            .values_list("pk", column)
            .order_by("pk")
        )
        for pk, name in rows.iterator():
            if is_server_named(field, name):
                counts["ok"] += 1
                continue
            label = f"{model._meta.label}.{field.name} {pk}: {name}"
            storage = field.storage
            if not storage.exists(name):
                counts["missing"] += 1
                self.stdout.write(f"missing  {label}")
                continue
            extension, content = self._decode(storage, name)
            if extension is None:
                counts["invalid"] += 1
                if clear_invalid and not dry_run:
                    self._point_row(model, field, pk, old=name, new=None)
                    counts["cleared"] += 1
                    self.stdout.write(f"cleared  {label} (not a valid image)")
                else:
                    self.stdout.write(f"invalid  {label} (not a valid image; left as is)")
                continue
            new_name = field.generate_filename(None, f"{uuid.uuid4().hex}.{extension}")
            if dry_run:
                counts["renamed"] += 1
                self.stdout.write(f"rename   {label} -> {new_name}")
                continue
            content.content_type = IMAGE_CONTENT_TYPES[extension]
            saved = storage.save(new_name, content)
            if self._point_row(model, field, pk, old=name, new=saved):
                counts["renamed"] += 1
                self.stdout.write(f"renamed  {label} -> {saved}")
            else:  # the row changed meanwhile: its new file wins
                storage.delete(saved)

    @staticmethod
    def _decode(storage, name: str) -> tuple[str | None, ContentFile | None]:
        """The decoded extension and the bytes of a stored file, or (None, None) when it
        is not a valid image."""
        if storage.size(name) > settings.IMAGE_UPLOAD_MAX_BYTES:
            return None, None
        with storage.open(name, "rb") as stored:
            content = ContentFile(stored.read())
        try:
            return validate_image_upload(content), content
        except ValidationError:
            return None, None

    @staticmethod
    def _point_row(model, field, pk, *, old: str, new: str | None) -> bool:
        """Point the row at `new` (None clears it) if it still names `old`; delete `old`
        once no row names it."""
        values = {field.attname: new if new is not None else (None if field.null else "")}
        if any(f.name == "updated_at" for f in model._meta.concrete_fields):
            values["updated_at"] = timezone.now()
        manager = model._base_manager
        if not manager.filter(pk=pk, **{field.attname: old}).update(**values):
            return False
        catalogue_changed()  # thumbnails and avatars are on catalogue pages
        if not manager.filter(**{field.attname: old}).exists():
            field.storage.delete(old)
        return True
