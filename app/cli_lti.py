"""``tutor lti``: register LMS platforms, list and remove them, rotate the tool's key."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from tutor.container import Services
from tutor.errors import DomainError
from tutor.settings import Settings


def add_parser(sub: Any) -> None:
    """The ``lti`` command and its subcommands."""
    lti = sub.add_parser("lti", help="LTI 1.3: register LMS platforms (Canvas, Moodle, ...)")
    commands = lti.add_subparsers(dest="lti_command", required=True)
    add = commands.add_parser("add-platform", help="register a platform (or add a deployment to one)")
    add.add_argument("--issuer", required=True, help="the platform's issuer (iss), e.g. https://canvas.instructure.com")
    add.add_argument("--client-id", required=True, help="the client id the platform gave this tool")
    add.add_argument("--deployment-id", required=True, help="the deployment id of this installation of the tool")
    add.add_argument("--auth-login-url", required=True, help="the platform's OIDC authorization endpoint")
    add.add_argument("--auth-token-url", required=True, help="the platform's OAuth 2 token endpoint")
    add.add_argument("--jwks-url", required=True, help="the platform's public key set (JWKS) URL")
    add.add_argument("--name", default=None, help="a name to show for the platform")
    add.add_argument(
        "--frame-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="an LMS site that shows the tool in a frame, e.g. https://school.instructure.com (repeatable; "
        "default: the origins of the issuer and the login URL)",
    )
    commands.add_parser("list", help="list the registered platforms and the tool's own URLs")
    remove = commands.add_parser("remove", help="remove a platform registration")
    remove.add_argument("--issuer", required=True)
    remove.add_argument("--client-id", required=True)
    commands.add_parser("rotate-key", help="make a new tool key (the old one stays published for 7 days)")


def tool_urls(settings: Settings) -> dict[str, str]:
    """What a platform's administrator pastes into the LMS."""
    base = settings.base_url
    return {
        "login_url": f"{base}/lti/login/",
        "launch_url": f"{base}/lti/launch/",
        "redirect_uri": f"{base}/lti/launch/",
        "jwks_url": f"{base}/lti/jwks/",
    }


async def run(services: Services, args: argparse.Namespace) -> None:
    """Run one ``tutor lti`` subcommand over ``services``; raises :class:`DomainError` on bad input."""
    platforms = services.lti_platforms
    if args.lti_command == "add-platform":
        view = await platforms.add(
            issuer=args.issuer,
            client_id=args.client_id,
            deployment_id=args.deployment_id,
            auth_login_url=args.auth_login_url,
            auth_token_url=args.auth_token_url,
            jwks_url=args.jwks_url,
            name=args.name,
            frame_origins=args.frame_origin,
        )
        _print({"platform": view, "tool": tool_urls(services.settings)})
    elif args.lti_command == "list":
        _print({"platforms": await platforms.list(), "tool": tool_urls(services.settings)})
    elif args.lti_command == "remove":
        await platforms.remove(args.issuer, args.client_id)
        print(f"removed {args.issuer} (client {args.client_id})")
    elif args.lti_command == "rotate-key":
        try:
            keys = services.tool_keys.rotate()
        except ValueError as exc:
            raise DomainError(str(exc)) from exc
        print(f"new signing key {keys.kid}; the previous key stays published for 7 days")


def _print(value: Any) -> None:
    json.dump(value, sys.stdout, indent=2, default=str)
    print()
