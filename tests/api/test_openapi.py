"""The OpenAPI document describes exactly the routes the server has."""

from __future__ import annotations

from principles_app.web.api.openapi import _openapi_path, api_routes


def test_every_api_route_is_documented_and_every_documented_route_exists(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    in_app = {(_openapi_path(rule.rule)[0], method.lower()) for rule, method, _view in api_routes(app)}
    documented = {(path, method) for path, operations in document["paths"].items() for method in operations}
    assert in_app - documented == set(), "routes without an Endpoint description"
    assert documented - in_app == set(), "documented routes the server does not have"


def test_request_bodies_reference_schemas_that_exist(client):
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody")
            if body:
                ref = body["content"]["application/json"]["schema"]["$ref"]
                assert ref.rsplit("/", 1)[1] in schemas, (path, method)
            assert operation["responses"], (path, method)


def test_the_token_endpoint_is_described_as_public_and_others_need_a_bearer(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "security" not in paths["/api/v1/auth/token"]["post"]
    assert paths["/api/v1/me"]["get"]["security"] == [{"bearerAuth": []}]
