from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from payments.api.views import StripeWebhookView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/auth/", include("users.api.urls")),
    path("api/", include("users.api.directory_urls")),
    path("api/core/", include("core.api.urls")),
    path("api/courses/", include("courses.api.urls")),
    path("api/payments/", include("payments.api.urls")),
    # Where the original deployment's Stripe endpoint points.
    path("webhook/", StripeWebhookView.as_view(), name="stripe-webhook-root"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
]

# Local media in development (a no-op when DEBUG is off: production media lives in R2).
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Under /api/, Django's own 400/404/500 answers are JSON `{detail, code}` like DRF's.
handler400 = "core.api.errors.bad_request"
handler404 = "core.api.errors.not_found"
handler500 = "core.api.errors.server_error"
