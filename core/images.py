"""Validation of uploaded images (thumbnails and avatars) by decoding them with Pillow.

A file's name and content type prove nothing: only a full decode does. We accept JPEG,
PNG and WebP up to 5 MB and 4096x4096 pixels; decompression bombs, truncated files and
renamed text files are rejected with a clear message on the field.
"""

import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}


def validate_image_upload(file) -> None:
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
