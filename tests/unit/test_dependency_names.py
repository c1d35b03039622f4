"""No request body field may share its name with an injected dependency.

Litestar reads a body model's validation error at key ``field`` (pydantic reports no ``data.``
prefix); when a dependency has that name, the error counts as a server fault and the client gets a
500 instead of a 400 (``PUT /api/courses/{id}/concepts/`` with ``{"concepts": "x"}`` did).
"""

import inspect
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import msgspec
import pydantic

from api.app import create_app
from api.deps import DEPENDENCIES
from tutor.settings import Settings


@asynccontextmanager
async def _never_opened(_: Settings) -> AsyncIterator[Any]:
    raise AssertionError("the routes are read without starting the app")
    yield


def _body_fields(annotation: object) -> set[str]:
    if inspect.isclass(annotation) and issubclass(annotation, pydantic.BaseModel):
        return set(annotation.model_fields)
    if inspect.isclass(annotation) and issubclass(annotation, msgspec.Struct):
        return set(annotation.__struct_fields__)
    return set()


def test_no_body_field_is_named_like_a_dependency():
    app = create_app(Settings(env="test", mongodb_url="mongodb://127.0.0.1:9"), _never_opened)
    checked = 0
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            data = handler.parsed_fn_signature.parameters.get("data")
            if data is not None:
                fields = _body_fields(data.annotation)
                checked += bool(fields)
                assert not fields & set(DEPENDENCIES), (handler.fn.__qualname__, fields & set(DEPENDENCIES))
    assert checked > 10  # the body models were found
