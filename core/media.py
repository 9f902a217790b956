"""Media served by Django itself, when there is no R2 (development, a single box).

Nothing under /media/ may act as a page on the API's (and the admin's) origin. Every
response carries `X-Content-Type-Options: nosniff` and a CSP that sandboxes it and lets
it load nothing. A stored name with an image extension (`jpg`, `jpeg`, `png`, `webp`) is
served with that image's content type, whatever its bytes are; any other name (a file
stored under a client's name before the server named uploads) is served as an
`application/octet-stream` attachment, so a browser downloads it instead of rendering it.
A path out of MEDIA_ROOT or to a folder is a 404, like a missing file.
"""

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import Http404
from django.views.static import serve

from core.images import image_content_type

MEDIA_SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
}


def media_serve(request, path: str):
    try:
        response = serve(request, path, document_root=settings.MEDIA_ROOT)
    except SuspiciousFileOperation as exc:  # `..` out of MEDIA_ROOT: as absent as can be
        raise Http404("No such file.") from exc
    content_type = image_content_type(path)
    if content_type is not None:
        response["Content-Type"] = content_type
    else:
        response["Content-Type"] = "application/octet-stream"
        response["Content-Disposition"] = "attachment"
    # `serve` guesses an encoding from names like `x.html.gz`; we never store compressed
    # media, and a browser must see the bytes as they are.
    response.headers.pop("Content-Encoding", None)
    for header, value in MEDIA_SECURITY_HEADERS.items():
        response[header] = value
    return response
