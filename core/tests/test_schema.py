import pytest
from django.core.management import call_command

from payments.api.views import StripeWebhookView

# The skeleton's webhook placeholder has no serializer, which drf-spectacular reports as an
# error; the payments issue replaces it. Until then this test is expected to fail.
_WEBHOOK_PLACEHOLDER = "Placeholder" in (StripeWebhookView.__doc__ or "")


@pytest.mark.xfail(_WEBHOOK_PLACEHOLDER, reason="payments webhook placeholder", strict=False)
@pytest.mark.django_db
def test_openapi_schema_generates_without_warnings(tmp_path):
    # --fail-on-warn turns any warning or error of drf-spectacular into a CommandError.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))

    assert (tmp_path / "s.yml").read_text().startswith("openapi:")


@pytest.mark.django_db
def test_openapi_schema_of_accounts_and_core_has_no_warnings(capsys):
    # The same check for this team's own views, which must hold whatever else is pending.
    call_command("spectacular", "--validate", "--file", "/dev/null")

    reported = capsys.readouterr().err
    for module in ("users/", "core/"):
        assert f"/{module}" not in reported, reported
