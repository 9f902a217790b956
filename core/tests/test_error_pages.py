"""Unrouted API paths answer JSON, as every other API error does."""

import pytest

from core.views import server_error


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/api/nothing-here/", "/api/courses/courses/introducción/enroll/", "/webhook/x/"],
)
def test_unknown_api_paths_are_json_404(api_client, path):
    response = api_client.get(path)

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


@pytest.mark.django_db
def test_other_paths_keep_django_html_404(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_api_server_error_is_json(rf):
    response = server_error(rf.get("/api/courses/courses/"))

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
