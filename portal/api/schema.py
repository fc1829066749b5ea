"""OpenAPI schema hooks (drf-spectacular)."""

VERSION_NOTE = ("`version` (the version you read) is required: without it 400; if someone else saved since, "
                "400 naming each field they changed with its value now, and nothing is written.")


def version_required_on_update(result, generator, request, public):
    """Mark ``version`` required in the request body of every PUT and PATCH (the one optimistic
    lock, ``portal.api.serializers.VersionedModelSerializer``): the serializer field itself is
    optional because a create (POST, same component) has no version to send."""
    schemas = result.get("components", {}).get("schemas", {})
    for operations in result.get("paths", {}).values():
        for method in ("put", "patch"):
            operation = operations.get(method)
            if not operation:
                continue
            versioned = False
            for media in operation.get("requestBody", {}).get("content", {}).values():
                ref = media.get("schema", {}).get("$ref", "")
                component = schemas.get(ref.rsplit("/", 1)[-1], {})
                if "version" in component.get("properties", {}):
                    media["schema"] = {"allOf": [{"$ref": ref}, {"type": "object", "required": ["version"]}]}
                    versioned = True
            if versioned:
                operation["description"] = f"{operation.get('description', '')}\n\n{VERSION_NOTE}".strip()
    return result


PAGINATION_PARAMETERS = ("page", "page_size", "cursor")


def empty_filters_mean_any(result, generator, request, public):
    """A list's filter left empty (``?kind=&since=``, as the web list's form sends it) filters
    nothing, as django-filter reads it, and an empty ``page`` is the first (as DRF reads it): say
    so in each such parameter's schema, which would otherwise allow only a date, a number,
    true/false or one of the choices."""
    for path, operations in result.get("paths", {}).items():
        operation = operations.get("get")
        if operation is None or "{" in path:
            continue
        parameters = [p for p in operation.get("parameters", []) if p.get("in") == "query"]
        if not any(p["name"] in PAGINATION_PARAMETERS for p in parameters):
            continue  # not a list
        for parameter in parameters:
            schema = parameter.get("schema", {})
            if parameter["name"] in ("page_size", "cursor") or schema == {"type": "string"}:
                continue
            parameter["schema"] = {"anyOf": [schema, {"type": "string", "enum": [""]}]}
    return result


ERROR_COMPONENTS = {
    "ErrorDetail": {
        "type": "object",
        "description": "A refusal: not logged in or not allowed (403), not found or outside your scope (404), "
                       "too many requests (429).",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    "ValidationErrors": {
        "type": "object",
        "description": "Bad input, nothing written: each field (or `non_field_errors`) with its messages; a "
                       "field of a nested list or object answers with the same structure.",
        "additionalProperties": {},
    },
}


def _error(description, component):
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}}}


def document_error_responses(result, generator, request, public):
    """Document the refusals every operation can answer (``portal.api.exceptions``), so that the
    schema lists each status code the API really sends: 403 to a caller who is not logged in or
    may not do this (DRF answers 403, not 401, as session authentication comes first), 404 for
    a record that does not exist or is outside the scope (every operation on ``{id}``) and for a
    page past the last one of a list, 400 for bad input (every operation taking a body or query
    parameters). An operation's own description of one of them (``extend_schema(responses=…)``)
    is kept."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for name, component in ERROR_COMPONENTS.items():
        schemas.setdefault(name, component)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in ("get", "put", "post", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            parameters = operation.get("parameters", [])
            if "requestBody" in operation or any(p.get("in") == "query" for p in parameters):
                responses.setdefault("400", _error("Bad input: nothing was written.", "ValidationErrors"))
            responses.setdefault("403", _error("Not logged in, or your role may not do this.", "ErrorDetail"))
            if "{" in path:
                responses.setdefault("404", _error("No such record in your scope.", "ErrorDetail"))
            elif any(p.get("in") == "query" and p.get("name") in ("page", "cursor") for p in parameters):
                responses.setdefault("404", _error("No such page (past the last one, or a cursor not given by the "
                                                   "list).", "ErrorDetail"))
    return result


IDEMPOTENCY_PARAMETER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Any unique string (a UUID) chosen by the client for this request. Sent again with the same "
                   "body, the first answer is returned again (header `Idempotent-Replayed: true`) and nothing "
                   "more is written; with a different body: 409. Kept 24 hours.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[ -~]+$"},
}
NOT_IDEMPOTENT = ("/api/v1/auth/",)  # the token request is not one of the core's viewsets


def document_idempotency_key(result, generator, request, public):
    """Every POST of the core's viewsets takes an ``Idempotency-Key`` header and can answer 409
    (``portal.api.idempotency``)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for name, component in ERROR_COMPONENTS.items():
        schemas.setdefault(name, component)
    for path, operations in result.get("paths", {}).items():
        operation = operations.get("post")
        if operation is None or path.startswith(NOT_IDEMPOTENT):
            continue
        operation.setdefault("parameters", []).append(dict(IDEMPOTENCY_PARAMETER))
        operation.setdefault("responses", {}).setdefault("400", _error("Bad input (or a malformed Idempotency-Key): "
                                                                       "nothing was written.", "ValidationErrors"))
        operation["responses"].setdefault(
            "409", _error("The Idempotency-Key was already used for a different request: nothing was done.",
                          "ErrorDetail"))
    return result
