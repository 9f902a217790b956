def test_schema_generates(api_client, db):
    response = api_client.get("/api/schema/")

    assert response.status_code == 200
