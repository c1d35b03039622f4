"""Typed response bodies of the API (msgspec Structs that Litestar documents in the OpenAPI schema).

One module per area. Services answer plain documents; each controller turns its service's answer
into the route's schema with :func:`api.schemas.convert.typed`, so the wire format is exactly the
service's and the schema says what it is. A field that a document sometimes lacks defaults to
``msgspec.UNSET`` (left out of the JSON, not required in the schema); a field that may be ``null``
is typed ``T | None``.
"""
