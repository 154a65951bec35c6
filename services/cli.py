"""The `onewindow` command: one argparse subcommand per `add_<name>_command` function.

To add a subcommand, write `add_<name>_command(subparsers)` that registers a parser with
`set_defaults(func=...)` (a function taking the parsed Namespace and returning an exit code)
and append it to `COMMANDS`.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, TypeAlias

from pydantic import ValidationError

from libs.events.auth import AuthSettings, DevTokensDisabled, Role, issue_dev_token
from services import asyncapi
from services.approval.cli import add_approval_command
from services.audit import add_audit_command
from services.dlq import add_dlq_command
from services.intake.cli import add_calendar_command, add_intake_command, add_seed_command
from services.supervision.cli import add_supervision_command

if TYPE_CHECKING:
    Subparsers: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]

DEV_TOKEN_WARNING = """\
!!! WARNING: this is a DEV token (HS256, signed with the shared dev secret ONEWINDOW_DEV_SECRET).
!!! Anyone who knows that secret can forge tokens; only services running with AUTH_MODE=dev
!!! accept it. Never use dev tokens or the dev secret in production."""


def _role(value: str) -> Role:
    """Parse a role name, listing the known roles when it is not one."""
    try:
        return Role(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"unknown role {value!r}; choose from: {', '.join(Role)}"
        ) from None


def _positive_hours(value: str) -> float:
    """Parse a positive number of hours."""
    try:
        hours = float(value)
    except ValueError:
        hours = 0.0
    if hours <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive number of hours, got {value!r}")
    return hours


def _fail(message: str) -> int:
    print(f"onewindow token: error: {message}", file=sys.stderr)
    return 1


def run_token(args: argparse.Namespace) -> int:
    """Print a dev bearer token on stdout and a warning on stderr."""
    try:
        settings = AuthSettings()
        token = issue_dev_token(
            sub=args.sub,
            role=args.role,
            center=args.center,
            department=args.department,
            settings=settings,
            ttl=timedelta(hours=args.ttl_hours),
        )
    except DevTokensDisabled as exc:
        return _fail(str(exc))
    except ValidationError as exc:
        return _fail("; ".join(error["msg"] for error in exc.errors()))
    print(DEV_TOKEN_WARNING, file=sys.stderr)
    print(token)
    return 0


def add_token_command(subparsers: Subparsers) -> None:
    """Register `onewindow token`."""
    parser = subparsers.add_parser(
        "token",
        help="print a DEV bearer token accepted by services running with AUTH_MODE=dev",
        description="Print a DEV bearer token (HS256, dev secret) on stdout.",
    )
    parser.add_argument("--sub", required=True, metavar="ID", help="subject: the user id")
    parser.add_argument(
        "--role",
        required=True,
        type=_role,
        metavar="ROLE",
        help=f"one of: {', '.join(Role)}",
    )
    parser.add_argument("--center", metavar="CODE", help="the user's center code")
    parser.add_argument("--department", metavar="CODE", help="the user's department code")
    parser.add_argument(
        "--ttl-hours", type=_positive_hours, default=12.0, metavar="N", help="default 12"
    )
    parser.set_defaults(func=run_token)


def run_asyncapi(args: argparse.Namespace) -> int:
    """Print the AsyncAPI document of every registered event type."""
    print(json.dumps(asyncapi.document(), ensure_ascii=False, indent=2, sort_keys=True))
    return 0


def add_asyncapi_command(subparsers: Subparsers) -> None:
    """Register `onewindow asyncapi`."""
    parser = subparsers.add_parser("asyncapi", help="print the AsyncAPI document of the events")
    parser.set_defaults(func=run_asyncapi)


COMMANDS: list[Callable[[Subparsers], None]] = [
    add_token_command,
    add_seed_command,
    add_calendar_command,
    add_intake_command,
    add_supervision_command,
    add_approval_command,
    add_asyncapi_command,
    add_audit_command,
    add_dlq_command,
]


def build_parser() -> argparse.ArgumentParser:
    """The `onewindow` parser with every registered subcommand."""
    parser = argparse.ArgumentParser(prog="onewindow", description="One-window service center.")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    for add_command in COMMANDS:
        add_command(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `onewindow` command; returns the exit code (argparse exits 2 on bad usage)."""
    args = build_parser().parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    return func(args)


if __name__ == "__main__":
    sys.exit(main())
