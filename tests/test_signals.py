"""A sync stopped by SIGINT or SIGTERM: a failure's exit code, a true last STATE."""

from __future__ import annotations

import signal
import subprocess
import threading
import time

import pytest

from harness.simulator import Fault, uniform
from tests.conftest import TapRun, parse_messages
from tests.test_batch import END, NOW, START, batch_config, batched, sync_config


def delivered(messages: list[dict]) -> set[str]:
    """The impressions a target has committed: those before the last STATE."""
    last_state = max(i for i, m in enumerate(messages) if m["type"] == "STATE")
    committed = TapRun(0, messages[:last_state], "")
    ids = {r["transaction_id"] for r in committed.records}
    return ids | {
        r["transaction_id"] for r in batched(committed).get("impressions", [])
    }


FIRST_ROWS = ('{"type":"RECORD"', '{"type":"STATE"')


def wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + 60
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


@pytest.mark.parametrize("mode", ["RECORD", "BATCH"])
@pytest.mark.parametrize(
    "stop",
    [(signal.SIGINT, 130), (signal.SIGTERM, 143)],
    ids=["SIGINT", "SIGTERM"],
)
def test_a_stopped_sync_exits_non_zero_and_resumes_from_its_last_state(
    make_simulator, tap, tmp_path, mode, stop
):
    signum, exit_code = stop
    truth = uniform(36, START, END, 12_000)
    sim = make_simulator(truth, now=NOW)
    # The last of the sync's four requests is answered late: the tap is
    # stopped while it waits, so the sync cannot have finished.
    sim.after_requests(3, lambda: sim.queue_faults(Fault.delay(30)))
    settings = (
        {"batch_config": batch_config(tmp_path, 1_500)} if mode == "BATCH" else {}
    )
    config = sync_config(sim, **settings)
    stderr = tmp_path / "stderr.txt"
    with (
        stderr.open("w") as errors,
        subprocess.Popen(
            tap.command(config, None, streams=("impressions",)),
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        ) as proc,
    ):
        # Read as it comes: a tap blocked on a full pipe sends no more requests.
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.extend(proc.stdout))
        reader.start()
        # Rows written (in RECORD lines, or a BATCH file and its STATE), and
        # the last request in flight.
        wait_for(
            lambda: any(line.startswith(FIRST_ROWS) for line in lines),
            "the tap wrote no rows",
        )
        wait_for(
            lambda: len(sim.requests) == 3 and sim.in_flight == 1,
            "the tap never sent its last request",
        )
        proc.send_signal(signum)
        proc.wait(timeout=60)
        reader.join()
    log = stderr.read_text()
    assert proc.returncode == exit_code, log[-2000:]
    assert f"Stopped by {signal.Signals(signum).name}" in log
    assert "Traceback" not in log
    messages = parse_messages("".join(lines))
    types = [m["type"] for m in messages]
    if mode == "BATCH":
        # No STATE of the handler's: the tap's state also covers the rows
        # gathered for the next file, unwritten. The last BATCH's STATE stands.
        assert types[-2:] == ["BATCH", "STATE"]
    else:
        assert types[-1] == "STATE"
    first = delivered(messages)
    assert 0 < len(first) < len(truth)

    resumed = tap.run(config, messages[-1]["value"])
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert first | delivered(resumed.messages) == {r["transaction_id"] for r in truth}
