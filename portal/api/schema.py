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
