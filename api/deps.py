"""Per-request dependencies: the caller and the services, provided to controllers."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.di import Provide

from tutor.container import Services
from tutor.services.principal import Principal


def provide_services(request: Request[Any, Any, Any]) -> Services:
    """The process's services."""
    services: Services = request.app.state.services
    return services


def provide_principal(request: Request[Any, Any, Any]) -> Principal:
    """The authenticated caller."""
    user: Principal = request.user
    return user


DEPENDENCIES = {
    "services": Provide(provide_services, sync_to_thread=False),
    "principal": Provide(provide_principal, sync_to_thread=False),
}
