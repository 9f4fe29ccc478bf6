"""Validate FollowTheMoney entities and clean their values, or say precisely why not.

A row with an unknown schema or property, a reverse (stub) property, or a value its property
type rejects (an impossible date, an IBAN with a wrong checksum, an unknown country) is refused
as a whole: a half-kept entity would silently lose a relationship or an identifier. The caller
sends refused rows to the quarantine with the reason.

Cleaning is FtM's own (``PropertyType.clean`` and rigour's identifier formats); the results of
repeated values are cached, which is what keeps ingest faster than FtM's own command line.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import Any

from followthemoney import model
from followthemoney.property import Property
from followthemoney.schema import Schema
from followthemoney.types import registry

from silobreak.model.records import BASE_PROP, EntityRecord


class InvalidRow(ValueError):
    """A row that cannot be loaded; the message is the quarantine reason."""


# Types whose values are kept as given (stripped): FtM does not reject free text.
_TEXT_TYPES = frozenset(
    t.name
    for t in (
        registry.name,
        registry.string,
        registry.text,
        registry.html,
        registry.address,
        registry.number,
        registry.checksum,
        registry.json,
        registry.mimetype,
    )
)
_COUNTRY_PROPS = ("country", "nationality", "jurisdiction", "citizenship", "flag")


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@lru_cache(maxsize=200_000)
def clean_value(type_name: str, value: str, fmt: str | None) -> str | None:
    """FtM's cleaning of one value for a property type (``None``: rejected), cached."""
    if type_name == "date" and fmt is None and _ISO_DAY.match(value):
        # Fast path for the most common form; FtM's parser handles everything else.
        try:
            date.fromisoformat(value)
        except ValueError:
            return None
        return value
    cleaned: str | None = registry.get(type_name).clean(value, format=fmt)
    return cleaned


class _PropSpec:
    """Per (schema, property): how to clean values, decided once."""

    __slots__ = ("fmt", "name", "text", "type_name")

    def __init__(self, prop: Property):
        self.name: str = prop.name
        self.type_name: str = prop.type.name
        self.fmt: str | None = prop.format
        self.text = self.type_name in _TEXT_TYPES or (
            self.type_name == registry.identifier.name and prop.format is None
        )


class EntityValidator:
    """Turns FtM JSON objects (``{"id", "schema", "properties"}``) into :class:`EntityRecord`."""

    def __init__(self) -> None:
        self._schemata: dict[str, Schema] = {}
        self._specs: dict[tuple[str, str], _PropSpec] = {}

    def schema(self, name: Any) -> Schema:
        found = self._schemata.get(name) if isinstance(name, str) else None
        if found is None:
            if not isinstance(name, str) or not name:
                raise InvalidRow("missing schema")
            schema = model.get(name)
            if schema is None:
                raise InvalidRow(f"unknown schema {name!r}")
            self._schemata[name] = found = schema
        return found

    def spec(self, schema: Schema, prop_name: str) -> _PropSpec:
        key = (schema.name, prop_name)
        spec = self._specs.get(key)
        if spec is None:
            prop = schema.get(prop_name)
            if prop is None:
                raise InvalidRow(f"unknown property {prop_name!r} for schema {schema.name}")
            if prop.stub:
                raise InvalidRow(
                    f"property {schema.name}:{prop_name} is the reverse of "
                    f"{prop.reverse.qname if prop.reverse else 'a relation'}; set it there"
                )
            self._specs[key] = spec = _PropSpec(prop)
        return spec

    def validate(self, data: Any) -> EntityRecord:
        """Validate one entity object; raise :class:`InvalidRow` with a precise reason."""
        if not isinstance(data, dict):
            raise InvalidRow(f"expected a JSON object, got {type(data).__name__}")
        entity_id = data.get("id")
        if isinstance(entity_id, int) and not isinstance(entity_id, bool):
            entity_id = str(entity_id)
        if not isinstance(entity_id, str) or not entity_id.strip():
            raise InvalidRow("missing entity id")
        entity_id = entity_id.strip()
        schema = self.schema(data.get("schema"))
        props = data.get("properties") or {}
        if not isinstance(props, dict):
            raise InvalidRow("'properties' must be an object of lists")
        record = EntityRecord(entity_id, schema.name, [(BASE_PROP, BASE_PROP, entity_id, None)])
        countries: list[str] | None = None
        for prop_name, raw_values in props.items():
            spec = self.spec(schema, prop_name)
            values = raw_values if isinstance(raw_values, list) else [raw_values]
            for raw in values:
                text = _as_text(raw, schema, prop_name)
                if text is None:
                    continue
                if spec.text:
                    record.values.append((spec.name, spec.type_name, text, None))
                    continue
                cleaned = clean_value(spec.type_name, text, spec.fmt)
                if cleaned is None and spec.type_name == registry.phone.name:
                    if countries is None:
                        countries = _countries(props)
                    for country in countries:
                        cleaned = clean_value(spec.type_name, text, country)
                        if cleaned is not None:
                            break
                if cleaned is None:
                    what = spec.fmt.upper() if spec.fmt else spec.type_name
                    raise InvalidRow(f"invalid {what} {text!r} for {schema.name}:{prop_name}")
                if cleaned == entity_id and spec.type_name == registry.entity.name:
                    raise InvalidRow(f"{schema.name}:{prop_name} points at the entity itself")
                record.values.append(
                    (spec.name, spec.type_name, cleaned, text if cleaned != text else None)
                )
        return record


def _as_text(raw: Any, schema: Schema, prop_name: str) -> str | None:
    if raw is None:
        return None
    if isinstance(raw, str):
        text = raw.replace("\x00", "").strip()
        return text or None
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, int | float):
        return str(raw)
    if isinstance(raw, dict) and isinstance(raw.get("id"), str):
        return str(raw["id"]).strip() or None  # a nested entity, as in FtM "nested" exports
    raise InvalidRow(f"unsupported value {raw!r} for {schema.name}:{prop_name}")


def _countries(props: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for name in _COUNTRY_PROPS:
        for value in props.get(name) or []:
            code = clean_value(registry.country.name, str(value), None) if value else None
            if code and code not in found:
                found.append(code)
    return found
