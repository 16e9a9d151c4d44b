"""Optional validation of request bodies against Discord's OpenAPI 3.1 document."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # jsonschema is a test dependency; the sandbox runs without it
    import jsonschema
    from referencing import Registry

_DOC_URI = "urn:discord:openapi"

# Interaction callback bodies are a union in the spec (anyOf, so lenient); pick by type.
_CALLBACK_SCHEMAS: dict[int, str] = {
    1: "PongInteractionCallbackRequest",
    4: "CreateMessageInteractionCallbackRequest",
    5: "CreateMessageInteractionCallbackRequest",
    6: "UpdateMessageInteractionCallbackRequest",
    7: "UpdateMessageInteractionCallbackRequest",
    8: "ApplicationCommandAutocompleteCallbackRequest",
    9: "ModalInteractionCallbackRequest",
    12: "LaunchActivityInteractionCallbackRequest",
}


class SchemaValidator:
    """Validates JSON bodies of known operations; unknown operations are skipped."""

    def __init__(self, path: Path) -> None:
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT202012

        self.document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        resource = Resource.from_contents(self.document, default_specification=DRAFT202012)
        self.registry: Registry[Any] = Registry().with_resource(_DOC_URI, resource)
        self._cache: dict[str, jsonschema.protocols.Validator] = {}

    @classmethod
    def maybe(cls, path: str | Path | None) -> SchemaValidator | None:
        if path is None:
            return None
        p = Path(path)
        if not p.is_file():
            return None
        return cls(p)

    def _validator(self, pointer: str) -> jsonschema.protocols.Validator:
        import jsonschema

        validator = self._cache.get(pointer)
        if validator is None:
            schema = {"$ref": f"{_DOC_URI}#{pointer}"}
            validator = jsonschema.Draft202012Validator(schema, registry=self.registry)
            self._cache[pointer] = validator
        return validator

    def _pointer_for(self, method: str, template: str, body: Any) -> str | None:
        if template == "/interactions/{interaction_id}/{interaction_token}/callback":
            if isinstance(body, dict) and isinstance(body.get("type"), int):
                name = _CALLBACK_SCHEMAS.get(body["type"])
                if name is not None:
                    return f"/components/schemas/{name}"
        op = self.document.get("paths", {}).get(template, {}).get(method.lower())
        if not isinstance(op, dict):
            return None
        content = op.get("requestBody", {}).get("content", {})
        if "application/json" not in content:
            return None
        escaped = template.replace("~", "~0").replace("/", "~1")
        return f"/paths/{escaped}/{method.lower()}/requestBody/content/application~1json/schema"

    def validate(self, method: str, template: str, body: Any) -> list[str]:
        """Return human-readable violations (empty when valid or not covered)."""
        pointer = self._pointer_for(method, template, body)
        if pointer is None:
            return []
        problems: list[str] = []
        for error in self._validator(pointer).iter_errors(_snowflakes_as_text(body)):
            where = "/".join(str(p) for p in error.absolute_path) or "<body>"
            problems.append(f"{method} {template}: {where}: {error.message[:300]}")
        return problems


def _snowflakes_as_text(value: Any, key: str = "") -> Any:
    """Ids sent as JSON numbers, as strings. The schema types every snowflake as a string,
    but Discord accepts numbers too, and discord.py sends some that way (a DM's
    `recipient_id`): that is not the bot's mistake."""
    if isinstance(value, dict):
        return {k: _snowflakes_as_text(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_snowflakes_as_text(v, key) for v in value]
    is_id = key == "id" or key.endswith("_id")
    if is_id and isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    return value
