"""Request bodies documented by pydantic's own JSON schema, so the OpenAPI schema says what the API accepts.

Litestar builds its own schema for a pydantic model from the field annotations and loses part of what
pydantic validates: ``extra="forbid"`` (no ``additionalProperties: false``), bounds of optional fields
(``ge=0`` is dropped, ``max_length`` of an optional list lands where it constrains nothing), patterns
of optional ids and of list items. A client generated from that schema, or a fuzzer, sends bodies the
API then refuses. This plugin documents each model with ``model_json_schema()`` instead: the schema of
the very validator that runs, nested models as components.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator, Mapping
from dataclasses import fields
from typing import Any

from litestar.openapi.spec import OpenAPIFormat, OpenAPIType, Reference, Schema
from litestar.plugins.pydantic import PydanticSchemaPlugin
from litestar.typing import FieldDefinition
from pydantic import BaseModel

if typing.TYPE_CHECKING:
    from litestar._openapi.schema_generation import SchemaCreator

_REF = "#/pydantic/"
_ONE = {"items", "not", "if", "then", "else", "contains", "propertyNames", "contentSchema"}
_ONE |= {"additionalProperties", "unevaluatedItems", "unevaluatedProperties"}
_MANY = {"allOf", "anyOf", "oneOf", "prefixItems"}
_BY_NAME = {"properties", "patternProperties", "dependentSchemas"}
_DROPPED = {"title"}  # pydantic's per-field titles only repeat the property names


def _json_key(name: str) -> str:
    """The JSON Schema keyword of a ``Schema`` attribute (``max_length`` -> ``maxLength``, ``schema_if`` -> ``if``)."""
    head, *rest = name.removeprefix("schema_").split("_")
    return head + "".join(part.title() for part in rest)


_ATTRIBUTES = {
    (field.metadata.get("alias") or _json_key(field.name)): field.name
    for field in fields(Schema)
    if field.name not in ("ref", "data_container")
}


class RequestModelSchemaPlugin(PydanticSchemaPlugin):
    """Documents pydantic models (the request bodies) with pydantic's JSON schema (validation mode)."""

    def to_openapi_schema(self, field_definition: FieldDefinition, schema_creator: SchemaCreator) -> Schema:
        """The model's component schema; nested models become components of their own."""
        model = field_definition.annotation
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return super().to_openapi_schema(field_definition, schema_creator)
        component = schema_creator.schema_registry.get_schema_for_field_definition(field_definition)
        document = model.model_json_schema(ref_template=_REF + "{model}", mode="validation")
        definitions = document.pop("$defs", {})
        refs = {}
        for nested in nested_models(model):
            ref = schema_creator.for_field_definition(FieldDefinition.from_annotation(nested))
            if isinstance(ref, Reference):
                refs[_REF + nested.__name__] = ref
        unknown = {_REF + name for name in definitions} - set(refs)
        if unknown:
            raise ValueError(f"{model.__name__}: no component for {sorted(unknown)}")
        built = to_spec(document, refs, root=True)
        assert isinstance(built, Schema)
        for field in fields(Schema):
            setattr(component, field.name, getattr(built, field.name))
        return component


def nested_models(model: type[BaseModel]) -> Iterator[type[BaseModel]]:
    """The models used in ``model``'s fields, at any depth (each once, ``model`` itself excluded)."""
    seen: set[type[BaseModel]] = {model}
    stack: list[Any] = [field.annotation for field in model.model_fields.values()]
    while stack:
        annotation = stack.pop()
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if annotation not in seen:
                seen.add(annotation)
                yield annotation
                stack.extend(field.annotation for field in annotation.model_fields.values())
            continue
        stack.extend(typing.get_args(annotation))


def to_spec(node: Mapping[str, Any] | bool, refs: Mapping[str, Reference], root: bool = False) -> Schema | Reference:
    """A JSON Schema document (as pydantic writes it) as Litestar's OpenAPI spec objects."""
    if isinstance(node, bool):
        return Schema() if node else Schema(schema_not=Schema())
    if "$ref" in node:
        return refs[node["$ref"]]
    attributes: dict[str, Any] = {}
    for key, value in node.items():
        if key in _DROPPED and not root:
            continue
        if key not in _ATTRIBUTES:
            raise ValueError(f"JSON Schema keyword {key!r} has no OpenAPI spec attribute")
        attributes[_ATTRIBUTES[key]] = _value(key, value, refs)
    if "patternProperties" in node and "additionalProperties" not in node:
        # pydantic writes a dict with constrained keys this way, and refuses any other key
        attributes["additional_properties"] = False
    return Schema(**attributes)


def _value(key: str, value: Any, refs: Mapping[str, Reference]) -> Any:
    if key in _ONE:
        return value if key == "additionalProperties" and isinstance(value, bool) else to_spec(value, refs)
    if key in _MANY:
        return [to_spec(item, refs) for item in value]
    if key in _BY_NAME:
        return {name: to_spec(item, refs) for name, item in value.items()}
    if key == "type":
        return [OpenAPIType(item) for item in value] if isinstance(value, list) else OpenAPIType(value)
    if key == "format":
        known = {member.value: member for member in OpenAPIFormat}
        return known.get(value, value)
    return value
