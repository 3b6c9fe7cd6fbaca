"""``python -m devstack up|down|status|provision|tokens|test|deps|docs``."""

from __future__ import annotations

import argparse
import json
import sys

# Only light imports here: ``provision`` and ``tokens`` run inside the service image, where the
# repository (which devstack.paths looks for, and so devstack.kafka/stack) is absent.
from devstack.console import say


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m devstack", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser(
        "up",
        help="start Kafka, PostgreSQL, the notify sinks and every installed service "
        "in the background",
    )
    sub.add_parser("down", help="stop everything up started")
    sub.add_parser("status", help="show what runs where")
    sub.add_parser(
        "provision",
        help="create every topic on KAFKA_BOOTSTRAP_SERVERS and migrate each service whose "
        "<SERVICE>_DATABASE_URL is set (docker-compose's init job)",
    )
    sub.add_parser("tokens", help="print a fresh {role: bearer token} JSON for every role")
    test = sub.add_parser(
        "test", help="run every member's tests against a throwaway Kafka and PostgreSQL"
    )
    test.add_argument("pytest_args", nargs=argparse.REMAINDER, help="passed to every pytest run")
    docs = sub.add_parser(
        "docs", help="write docs/: every service's AsyncAPI, the event catalogue, the schemas"
    )
    docs.add_argument("docs_args", nargs=argparse.REMAINDER, help="--check, --out DIR")
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


def _tokens() -> int:
    from devstack.secrets_store import fresh_tokens

    sys.stdout.write(json.dumps(fresh_tokens(), indent=2) + "\n")
    return 0


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "deps":
        return _deps(args.tools)
    if args.command == "tokens":
        return _tokens()
    if args.command == "provision":
        from devstack.provision import main as provision_main

        return provision_main()
    from devstack import stack

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
        if command == "docs":
            from devstack.docs import main as docs_main

            return docs_main(argv[1:])
        return _dispatch(_parser().parse_args(argv))
    except RuntimeError as exc:  # KafkaStartError, PostgresError, ProvisioningError, ...
        say(f"devstack: {command} failed: {exc}", error=True)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
