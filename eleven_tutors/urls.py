import re

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from payments.api.views import StripeWebhookView

# The admin's branding, in the one place the admin site is wired in.
admin.site.site_header = "11Tutors"
admin.site.site_title = "11Tutors"
admin.site.index_title = "11Tutors"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/auth/", include("users.api.urls")),
    path("api/", include("users.api.directory_urls")),
    path("api/core/", include("core.api.urls")),
    path("api/courses/", include("courses.api.urls")),
    path("api/payments/", include("payments.api.urls")),
    # Where the original deployment's Stripe endpoint points.
    # (slash optional: Stripe does not follow the 301 APPEND_SLASH would send).
    re_path(r"^webhook/?$", StripeWebhookView.as_view(), name="stripe-webhook-root"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
]

if not settings.R2_ENABLED:
    # Media on local disk (development, or a single-box deployment without R2): the API
    # hands out absolute `/media/...` URLs, so they must answer whatever DEBUG says.
    # Uploads are validated images; `serve` refuses paths outside MEDIA_ROOT.
    def media_serve(request, path):
        return serve(request, path, document_root=settings.MEDIA_ROOT)

    media_prefix = re.escape(settings.MEDIA_URL.lstrip("/"))
    urlpatterns += [re_path(rf"^{media_prefix}(?P<path>.*)$", media_serve, name="media")]

# Under /api/, Django's own 400/404/500 answers are JSON `{detail, code}` like DRF's.
handler400 = "core.api.errors.bad_request"
handler404 = "core.api.errors.not_found"
handler500 = "core.api.errors.server_error"
