"""``python -m devstack up|down|status|test|jars``."""

from __future__ import annotations

import argparse
import sys

from devstack.console import say
from devstack.kafka import KafkaStartError
from devstack.postgres import PostgresError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m devstack", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser(
        "up", help="start Kafka, PostgreSQL and every installed service in the background"
    )
    sub.add_parser("down", help="stop everything up started")
    sub.add_parser("status", help="show what runs where")
    test = sub.add_parser(
        "test", help="run every member's tests against a throwaway Kafka and PostgreSQL"
    )
    test.add_argument("pytest_args", nargs=argparse.REMAINDER, help="passed to every pytest run")
    jars = sub.add_parser("deps", help="fetch the Kafka jars and install PostgreSQL if missing")
    jars.add_argument(
        "--tools", action="store_true", help="also fetch kafka-tools (perf tests, CLI)"
    )
    return parser


def _deps(tools: bool) -> int:
    from devstack.kafka import KAFKA_VERSION, ensure_jars, ensure_tool_jars
    from devstack.postgres import ensure_binaries

    say(f"devstack: Kafka {KAFKA_VERSION} jars in {ensure_jars()}")
    if tools:
        say(f"devstack: Kafka tools jars in {ensure_tool_jars()}")
    say(f"devstack: PostgreSQL binaries in {ensure_binaries()}")
    return 0


def _dispatch(args: argparse.Namespace) -> int:
    from devstack import stack

    if args.command == "deps":
        return _deps(args.tools)
    cfg = stack.StackConfig.from_env()
    commands = {"up": stack.up, "down": stack.down, "status": stack.status}
    return commands[args.command](cfg)


def main(argv: list[str] | None = None) -> int:
    """Run one devstack command; returns the process exit code."""
    argv = sys.argv[1:] if argv is None else argv
    command = argv[0] if argv else ""
    try:
        if command == "test":
            # argparse cannot pass options like "-k x" through untouched, so pytest's skip it.
            from devstack.testrun import run_tests

            return run_tests(argv[1:])
        return _dispatch(_parser().parse_args(argv))
    except (KafkaStartError, PostgresError, RuntimeError) as exc:
        say(f"devstack: {command} failed: {exc}", error=True)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
