import re

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from core.media import media_serve
from courses.api import urls as courses_urls
from payments.api import urls as payments_urls
from payments.api.views import StripeWebhookView
from users.api import urls as users_urls

# Apps depend one way, core <- users <- courses <- payments (ARCHITECTURE.md), so a route
# that a higher app owns under a lower app's prefix is composed here, never inside the
# lower app: the tutor's own page (courses) and dashboard (payments) under /api/auth/,
# the tutor directory (courses) under /api/, course statistics (payments) under
# /api/courses/.

# The admin's branding, in the one place the admin site is wired in.
admin.site.site_header = "11Tutors"
admin.site.site_title = "11Tutors"
admin.site.index_title = "11Tutors"

urlpatterns = [
    path("admin/", admin.site.urls),
    path(
        "api/auth/",
        include(
            users_urls.urlpatterns + courses_urls.auth_urlpatterns + payments_urls.auth_urlpatterns
        ),
    ),
    path("api/", include("users.api.directory_urls")),
    path("api/", include(courses_urls.directory_urlpatterns)),
    path("api/core/", include("core.api.urls")),
    path("api/courses/", include(courses_urls.urlpatterns + payments_urls.courses_urlpatterns)),
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
    # `media_serve` sends the headers of the contract so no file can act as a page.
    media_prefix = re.escape(settings.MEDIA_URL.lstrip("/"))
    urlpatterns += [re_path(rf"^{media_prefix}(?P<path>.*)$", media_serve, name="media")]

# Under /api/, Django's own 400/404/500 answers are JSON `{detail, code}` like DRF's.
handler400 = "core.api.errors.bad_request"
handler404 = "core.api.errors.not_found"
handler500 = "core.api.errors.server_error"
