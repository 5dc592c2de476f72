"""A real S3-compatible server for the storage tests: moto's server as a subprocess on a free port."""
from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest

from tracker.files.storage import S3Storage


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def s3_server() -> Iterator[str]:
    """moto's S3-compatible server on a free port of 127.0.0.1, stopped after the module."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):  # at most a minute on a busy machine
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                try:
                    process.wait(timeout=0.1)  # wakes up early only if the server died
                    pytest.fail("moto's S3 server exited on start")
                except subprocess.TimeoutExpired:
                    continue
        else:
            pytest.fail("moto's S3 server did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture()
def s3(s3_server: str, request: pytest.FixtureRequest) -> S3Storage:
    storage = S3Storage(bucket=f"tracker-{abs(hash(request.node.name)) % 10**8}", endpoint_url=s3_server,
                        access_key="testing", secret_key="testing")
    storage.client.create_bucket(Bucket=storage.bucket)
    return storage
