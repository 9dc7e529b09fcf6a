"""The real pipeline, `meltano run tap-everflow target-postgres`, wired to
local services: shared by the end-to-end test and the demo.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from harness.postgres import Postgres

ROOT = Path(__file__).parents[1]
MELTANO = Path(sys.executable).with_name("meltano")
JOB = "dev:tap-everflow-to-target-postgres"


def iso(epoch: int) -> str:
    """An epoch second as an ISO 8601 UTC string, e.g. 2026-11-01T00:00:00Z."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def meltano_environment(
    *,
    system_db: Path,
    postgres: Postgres | None,
    api_url: str | None,
    api_key: str | None,
) -> dict[str, str]:
    """Environment for meltano: offline, its own system database, local services.

    ``api_url``/``api_key`` of None leave the user's own settings in place;
    ``postgres`` of None, target-postgres's (for a run into another loader).
    """
    env = {
        **os.environ,
        "MELTANO_DATABASE_URI": f"sqlite:///{system_db}",
        "MELTANO_SEND_ANONYMOUS_USAGE_STATS": "false",
        "UV_COMPILE_BYTECODE": "1",
    }
    if postgres:
        env |= {
            "TARGET_POSTGRES_HOST": postgres.host,
            "TARGET_POSTGRES_PORT": str(postgres.port),
            "TARGET_POSTGRES_USER": postgres.user,
            "TARGET_POSTGRES_PASSWORD": postgres.password,
            "TARGET_POSTGRES_DATABASE": postgres.database,
        }
    if api_url:
        env["TAP_EVERFLOW_API_URL"] = api_url
    if api_key:
        env["TAP_EVERFLOW_API_KEY"] = api_key
    return env


def meltano(
    env: dict[str, str], *args: str, capture: bool = True, **extra_env: str
) -> subprocess.CompletedProcess[str]:
    """Run a meltano command in the repository's project; raise on failure."""
    return subprocess.run(
        [str(MELTANO), *args],
        cwd=ROOT,
        env={**env, **extra_env},
        capture_output=capture,
        text=True,
        timeout=1_800,
        check=True,
    )


def tap_command(config: dict[str, object], workdir: Path, stream: str) -> list[str]:
    """``python -m tap_everflow`` with ``config``, only ``stream`` selected.

    The config and the catalog are written to ``workdir``.
    """
    (workdir / "config.json").write_text(json.dumps(config))
    base = [sys.executable, "-m", "tap_everflow", "--config", f"{workdir}/config.json"]
    discovered = subprocess.run(
        [*base, "--discover"], cwd=ROOT, capture_output=True, check=True
    )
    catalog = json.loads(discovered.stdout)
    for entry in catalog["streams"]:
        for item in entry["metadata"]:
            if not item["breadcrumb"]:
                item["metadata"]["selected"] = entry["tap_stream_id"] == stream
    (workdir / "catalog.json").write_text(json.dumps(catalog))
    return [*base, "--catalog", str(workdir / "catalog.json")]
