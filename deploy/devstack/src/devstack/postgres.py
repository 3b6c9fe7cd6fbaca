"""A private PostgreSQL cluster from Debian's binaries, listening on 127.0.0.1 only.

Authentication is ``scram-sha-256`` for every connection (``initdb -A scram-sha-256``): the
superuser ``postgres`` gets a generated password, kept in ``<data_dir>.superuser-password``
next to the data directory (mode 600), and every service role logs in with its own password.
So a service that uses a wrong password or another service's role fails locally exactly as it
would in production, which ``trust`` would hide. Unix sockets are off; everything is TCP.

``initdb`` and ``postgres`` refuse to run as root, so when devstack runs as root the cluster's
processes run as the ``postgres`` system user (``runuser -u postgres --``) and the data
directory belongs to it.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import secrets
import signal
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from devstack import processes
from devstack.paths import make_traversable
from devstack.ports import LOOPBACK, port_open

if TYPE_CHECKING:
    import asyncpg

SUPERUSER = "postgres"
SERVER_SETTINGS = {
    "listen_addresses": LOOPBACK,
    "unix_socket_directories": "",
    "max_connections": "300",
    "shared_buffers": "128MB",
    # Tests check durability (kill -9, then restart): keep the defaults that give it.
    "fsync": "on",
    "synchronous_commit": "on",
    "full_page_writes": "on",
}
_EMPTY = "''"
_IDENT = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class PostgresError(RuntimeError):
    """The cluster could not be installed, initialised, started or stopped."""


def _find_bin_dir() -> Path | None:
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    return candidates[-1].parent if candidates else None


def ensure_binaries() -> Path:
    """The newest ``/usr/lib/postgresql/<v>/bin``; installs Debian's ``postgresql`` if missing."""
    found = _find_bin_dir()
    if found:
        return found
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for argv in (["apt-get", "update"], ["apt-get", "install", "-y", "postgresql"]):
        result = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)  # noqa: S603
        if result.returncode != 0:
            raise PostgresError(
                f"{' '.join(argv)} failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}"
            )
    found = _find_bin_dir()
    if not found:
        raise PostgresError(
            "apt-get installed postgresql but no initdb is under /usr/lib/postgresql"
        )
    return found


def ident(name: str) -> str:
    """``name`` as a quoted SQL identifier; only lower-case snake_case names are accepted."""
    if not _IDENT.match(name):
        raise ValueError(f"not a plain lower-case identifier: {name!r}")
    return f'"{name}"'


def _as_root() -> bool:
    return os.geteuid() == 0


class PostgresCluster:
    """One private cluster: ``data_dir`` (created by ``init``), ``port`` on 127.0.0.1, ``log_file``.

    ``bin_dir`` defaults to the installed binaries (see ``ensure_binaries``).
    """

    def __init__(
        self,
        data_dir: Path,
        port: int,
        log_file: Path | None = None,
        *,
        bin_dir: Path | None = None,
    ) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.port = port
        self.log_file = (
            Path(log_file).resolve() if log_file else self.data_dir.parent / "postgres.log"
        )
        self._bin_dir = bin_dir

    @property
    def bin_dir(self) -> Path:
        """The directory with ``initdb``, ``pg_ctl`` and ``postgres``."""
        if self._bin_dir is None:
            self._bin_dir = ensure_binaries()
        return self._bin_dir

    @property
    def password_file(self) -> Path:
        """Where the superuser's generated password lives (next to the data dir, mode 600)."""
        return self.data_dir.parent / f"{self.data_dir.name}.superuser-password"

    @property
    def superuser_password(self) -> str:
        return self.password_file.read_text().strip()

    def _run(self, argv: list[str], *, check: bool = True) -> subprocess.CompletedProcess[str]:
        if _as_root():
            argv = ["runuser", "-u", SUPERUSER, "--", *argv]
        # cwd=/ because postgres cannot chdir into a root-only current directory.
        result = subprocess.run(argv, capture_output=True, text=True, check=False, cwd="/")  # noqa: S603
        if check and result.returncode != 0:
            raise PostgresError(
                f"{' '.join(argv)} failed ({result.returncode}):\n{result.stdout}{result.stderr}"
            )
        return result

    def _chown(self, path: Path) -> None:
        if _as_root():
            entry = pwd.getpwnam(SUPERUSER)
            os.chown(path, entry.pw_uid, entry.pw_gid)

    def initialized(self) -> bool:
        """Whether ``init`` has run on the data directory."""
        return (self.data_dir / "PG_VERSION").is_file()

    def init(self) -> None:
        """Create the cluster (``initdb -A scram-sha-256``) unless it already exists."""
        if self.initialized():
            return
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir.chmod(0o700)
        self._chown(self.data_dir)
        make_traversable(self.data_dir)
        password = secrets.token_urlsafe(24)
        # initdb reads the password from a file the postgres user can open; it lives only briefly.
        pw_input = self.data_dir.parent / f".{self.data_dir.name}.initdb-pw"
        pw_input.write_text(password)
        pw_input.chmod(0o600)
        self._chown(pw_input)
        try:
            self._run([
                str(self.bin_dir / "initdb"), "-D", str(self.data_dir), "-U", SUPERUSER,
                "-A", "scram-sha-256", f"--pwfile={pw_input}", "-E", "UTF8", "--locale=C.UTF-8",
                "--no-instructions",
            ])  # fmt: skip
        finally:
            pw_input.unlink(missing_ok=True)
        self.password_file.write_text(password + "\n")
        self.password_file.chmod(0o600)

    @property
    def pid(self) -> int | None:
        """The postmaster's pid while it runs, read from ``postmaster.pid``."""
        try:
            pid = int((self.data_dir / "postmaster.pid").read_text().split("\n", 1)[0])
        except (OSError, ValueError):
            return None
        return pid if processes.pid_alive(pid) else None

    def running(self) -> bool:
        """Whether the postmaster runs and accepts TCP connections on ``port``."""
        return self.pid is not None and port_open(self.port)

    def start(self) -> None:
        """``pg_ctl -w start`` on 127.0.0.1:``port``; a cluster that already runs is left alone."""
        if self.running():
            return
        if self.pid is None and port_open(self.port):
            raise PostgresError(f"port {self.port} is already in use; pick another PG port")
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        self.log_file.touch()
        self._chown(self.log_file)
        # pg_ctl hands -o to /bin/sh, so an empty value must be spelled '' to survive.
        options = " ".join(f"-c {key}={value or _EMPTY}" for key, value in SERVER_SETTINGS.items())
        self._run([
            str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-l", str(self.log_file),
            "-w", "-t", "60", "-o", f"-p {self.port} {options}", "start",
        ])  # fmt: skip

    def stop(self, timeout: float = 60.0) -> None:
        """``pg_ctl stop -m fast``: roll back open transactions, then a shutdown checkpoint."""
        if self.pid is None:
            return
        self._run(
            [str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "-w",
             "-t", str(int(timeout)), "stop"],
            check=False,
        )  # fmt: skip
        pid = self.pid
        if pid is not None:
            self.kill()

    def kill(self) -> None:
        """Crash the cluster: SIGKILL postmaster and backends; the next start recovers from WAL."""
        pid = self.pid
        if pid is None:
            return
        # pg_ctl starts the postmaster as a session leader, so its process group is the whole
        # server; killing the group at once leaves no orphaned backend holding shared memory.
        members = [p for p in processes.all_pids() if _pgid(p) == pid]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
        for member in members:
            processes.wait_reaped(member, 10.0)

    def restart(self) -> None:
        """Stop (if running) and start again."""
        self.stop()
        self.start()

    def admin_dsn(self, database: str = "postgres") -> str:
        """The superuser DSN for ``database``."""
        return (
            f"postgresql://{SUPERUSER}:{self.superuser_password}@{LOOPBACK}:{self.port}/{database}"
        )

    def dsn(self, role: str, password: str, database: str) -> str:
        """A DSN logging in as ``role``."""
        return f"postgresql://{role}:{password}@{LOOPBACK}:{self.port}/{database}"

    async def create_database(self, name: str) -> bool:
        """Create database ``name`` unless it exists; returns whether it was created."""
        return await create_database(self.admin_dsn(), name)

    async def ensure_service_role(self, database: str, role: str, password: str) -> None:
        """A LOGIN ``role`` owning schema ``role`` in ``database``, and nothing more."""
        await ensure_service_role(self.admin_dsn(database), role, password)


def _pgid(pid: int) -> int:
    try:
        return os.getpgid(pid)
    except OSError:
        return -1


async def _connect(dsn: str) -> asyncpg.Connection:
    import asyncpg

    return await asyncpg.connect(dsn, timeout=30)


async def create_database(admin_dsn: str, name: str) -> bool:
    """Create database ``name`` on ``admin_dsn``'s server unless it exists; True if created."""
    conn = await _connect(admin_dsn)
    try:
        if await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            return False
        await conn.execute(f"CREATE DATABASE {ident(name)}")
        return True
    finally:
        await conn.close()


# views builds each projection generation in a schema of its own (rebuilds switch between them),
# so it may create schemas; no other service may (deploy/postgres/init.sql grants the same).
SCHEMA_CREATORS = ("views",)


async def ensure_service_role(admin_dsn: str, role: str, password: str) -> None:
    """Make ``role`` a LOGIN role with ``password`` that owns schema ``role`` in the DSN's database.

    Idempotent (an existing role gets the password again). The role may connect to the database
    and use its own schema only: ``public`` loses every privilege of PUBLIC, and other service
    schemas are owned by their roles, which grant nothing.
    """
    quoted = ident(role)
    conn = await _connect(admin_dsn)
    try:
        database = await conn.fetchval("SELECT current_database()")
        async with conn.transaction():
            # Roles are cluster-wide: serialise concurrent callers so CREATE ROLE cannot race.
            await conn.execute(
                "SELECT pg_advisory_xact_lock(hashtext('devstack.ensure_service_role'))"
            )
            exists = await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role)
            verb = "ALTER" if exists else "CREATE"
            # Utility statements take no bind parameters: let the server quote the password literal.
            statement = await conn.fetchval(
                f"SELECT format('{verb} ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE"
                " PASSWORD %L', $1::text, $2::text)",
                role,
                password,
            )
            await conn.execute(statement)
            await conn.execute(f"REVOKE ALL ON DATABASE {ident(database)} FROM PUBLIC")
            await conn.execute(
                f"GRANT CONNECT, TEMPORARY ON DATABASE {ident(database)} TO {quoted}"
            )
            if role in SCHEMA_CREATORS:
                await conn.execute(f"GRANT CREATE ON DATABASE {ident(database)} TO {quoted}")
            await conn.execute("REVOKE ALL ON SCHEMA public FROM PUBLIC")
            await conn.execute(f"CREATE SCHEMA IF NOT EXISTS {quoted} AUTHORIZATION {quoted}")
            await conn.execute(f"ALTER SCHEMA {quoted} OWNER TO {quoted}")
            await conn.execute(f"REVOKE ALL ON SCHEMA {quoted} FROM PUBLIC")
            await conn.execute(
                f"ALTER ROLE {quoted} IN DATABASE {ident(database)} SET search_path = {quoted}"
            )
    finally:
        await conn.close()
