"""Django's own error answers under /api/ carry the contract's `{detail, code}`."""

import json

import pytest

from core.api.errors import server_error

pytestmark = pytest.mark.django_db


def test_an_unknown_api_path_is_a_json_404(api_client):
    response = api_client.get("/api/no-such-route/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_an_unknown_admin_path_keeps_the_html_404(admin_client):
    response = admin_client.get("/admin/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_bad_host_under_api_is_a_json_400(api_client):
    response = api_client.get("/api/core/health/", HTTP_HOST="evil.example.com")

    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"


def test_the_500_handler_answers_json_under_api_and_html_elsewhere(rf):
    api = server_error(rf.get("/api/core/health/"))
    admin = server_error(rf.get("/admin/"))

    assert api.status_code == 500
    assert json.loads(api.content) == {"detail": "Server error.", "code": "server_error"}
    assert admin.status_code == 500
    assert admin["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("path", ["/api/courses/courses/introducción/enroll/", "/webhook/x/"])
def test_unrouted_slugs_and_webhook_paths_are_json_404(api_client, path):
    response = api_client.get(path)

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}
