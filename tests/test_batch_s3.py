"""BATCH files in object storage (docs/production.md): an s3:// storage root.

The tap opens the root through the SDK's fsspec storage, which needs s3fs (the
``s3`` extra); a local S3 server (moto's) stands in for AWS.
"""

from __future__ import annotations

import gzip
import json
from collections import Counter

import pytest
import s3fs
from moto.server import ThreadedMotoServer

from harness.simulator import uniform
from tests.conftest import DAY, iso, now, tap_config

BUCKET = "everflow-batches"
CREDENTIALS = {"key": "testing", "secret": "testing"}


@pytest.fixture
def s3(monkeypatch) -> s3fs.S3FileSystem:
    """A local S3 with an empty bucket; the tap finds it as s3fs would AWS."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    # Where a deployment's credentials would come from: the environment.
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", CREDENTIALS["key"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", CREDENTIALS["secret"])
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    fs = s3fs.S3FileSystem(endpoint_url=endpoint, **CREDENTIALS)
    fs.mkdir(BUCKET)
    yield fs
    server.stop()


def test_batch_files_land_in_an_s3_bucket_whole(make_simulator, tap, s3):
    end = now() - now() % DAY - 1
    start = end - DAY + 1
    truth = uniform(41, start, end, 2_500)
    config = tap_config(
        make_simulator(truth),
        start_date=iso(start),
        end_date=iso(end),
        emit_activate_version_messages=False,
        batch_config={
            "encoding": {"format": "jsonl", "compression": "gzip"},
            "storage": {"root": f"s3://{BUCKET}/daily"},
            "batch_size": 1_000,
        },
    )
    run = tap.run(config)
    assert run.returncode == 0, run.stderr[-3000:]
    manifest = [
        url
        for message in run.messages
        if message["type"] == "BATCH"
        for url in message["manifest"]
    ]
    assert len(manifest) == 3  # 2,500 records, 1,000 a file
    delivered = Counter()
    for url in manifest:
        assert url.startswith(f"s3://{BUCKET}/daily/"), url
        with s3.open(url, "rb") as file, gzip.open(file) as lines:
            delivered.update(json.loads(line)["transaction_id"] for line in lines)
    assert delivered == Counter(row["transaction_id"] for row in truth)
