"""Uploaded images (thumbnails and avatars): decoded with Pillow, named by the server.

A file's name and content type prove nothing: only a full decode does. We accept JPEG,
PNG and WebP up to 5 MB and 4096x4096 pixels; decompression bombs, truncated files and
renamed text files are rejected with a clear message on the field.

The decode also names the file. Every stored upload is `<folder>/<uuid>.<ext>`, `ext`
being the format Pillow decoded (`jpg`, `png`, `webp`); the client's file name is never
used, so nothing can be stored as `.html` or `.svg` and later served as a page. This is
done by the model field (`UploadedImageField`), so it holds whoever saves: the API's
services, the admin, a shell. Its form field runs the same validation, so the admin's
forms refuse what the API refuses.
"""

import contextlib
import uuid
import warnings

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.fields.files import ImageFieldFile
from PIL import Image

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
# Pillow's format -> the extension we store it under.
FORMAT_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# A stored name's extension -> the content type it is served with. `jpeg` only occurs in
# names stored before the server named files.
IMAGE_CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
}
# Set on a file object once decoded, so the model field does not decode it a second time.
_DECODED_EXTENSION = "_decoded_image_extension"


def validate_image_upload(file) -> str:
    """Decode `file` fully; answer the extension to store it under, or raise
    ValidationError with a message fit for the field."""
    max_bytes = settings.IMAGE_UPLOAD_MAX_BYTES
    max_side = settings.IMAGE_UPLOAD_MAX_PIXELS_SIDE
    if file.size is not None and file.size > max_bytes:
        raise ValidationError(f"The image is larger than {max_bytes // (1024 * 1024)} MB.")
    try:
        file.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                image_format = image.format
                width, height = image.size
                if image_format not in ALLOWED_FORMATS:
                    raise ValidationError("Upload a JPEG, PNG or WebP image.")
                if width > max_side or height > max_side:
                    raise ValidationError(
                        f"The image is {width}x{height}; at most {max_side}x{max_side} pixels."
                    )
                image.load()  # a full decode: catches truncated and corrupt files
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError("The image has too many pixels.") from exc
    except Exception as exc:
        raise ValidationError("Upload a valid JPEG, PNG or WebP image.") from exc
    finally:
        file.seek(0)
    extension = FORMAT_EXTENSIONS[image_format]
    # An object that takes no attributes is simply decoded again on save.
    with contextlib.suppress(AttributeError):
        setattr(file, _DECODED_EXTENSION, extension)
    return extension


def image_extension(file) -> str:
    """The extension `file` is stored under: from its decode if it was validated, else
    decoded now (a save that skipped validation still cannot store a page)."""
    return getattr(file, _DECODED_EXTENSION, None) or validate_image_upload(file)


def image_content_type(name: str) -> str | None:
    """The content type of a stored name with an image extension, else None."""
    _, dot, extension = name.rpartition(".")
    return IMAGE_CONTENT_TYPES.get(extension.lower()) if dot else None


class ServerNamedImageFieldFile(ImageFieldFile):
    def save(self, name, content, save=True):
        extension = image_extension(content)
        # Storages that record a content type (S3/R2) take it from here before the name;
        # the client's claim is replaced by what was decoded.
        with contextlib.suppress(AttributeError):
            content.content_type = IMAGE_CONTENT_TYPES[extension]
        super().save(f"{uuid.uuid4().hex}.{extension}", content, save)


class ImageUploadFormField(forms.ImageField):
    """The admin's (any ModelForm's) field for an `UploadedImageField`: the same decode
    and limits as the API. The client's file extension is not checked (Django's default
    validator here): the decode decides, and the server names the file."""

    default_validators = []

    def to_python(self, data):
        file = super().to_python(data)
        if file is not None:
            validate_image_upload(file)
        return file


class UploadedImageField(models.ImageField):
    """An ImageField whose files are validated images stored as `<upload_to><uuid>.<ext>`.

    It deconstructs as a plain ImageField: the column is the same, so no migration."""

    attr_class = ServerNamedImageFieldFile

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": ImageUploadFormField, **kwargs})

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.ImageField", args, kwargs
