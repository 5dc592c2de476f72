"""Where documents' bytes live. Both stores stream: a file goes in from an open file object
and comes out as an iterator of chunks, never whole in memory. Keys are opaque, chosen by
the tracker, never derived from a user's file name."""
from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, Protocol

CHUNK = 64 * 1024


class Storage(Protocol):
    """A place documents are kept."""

    def put(self, key: str, source: BinaryIO) -> None:
        """Store the bytes read from `source` under `key`."""

    def chunks(self, key: str) -> Iterator[bytes]:
        """The stored bytes of `key`, in chunks; FileNotFoundError when there are none."""
        ...


class DiskStorage:
    """Files under a folder, two levels of fan-out so no folder grows too large."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def path(self, key: str) -> Path:
        """Where `key` is (or would be) on disk."""
        if "/" in key or "\\" in key or key.startswith("."):
            raise ValueError("invalid storage key")
        return self.root / key[:2] / key[2:4] / key

    def put(self, key: str, source: BinaryIO) -> None:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".part")
        with partial.open("wb") as out:
            shutil.copyfileobj(source, out, CHUNK)
            out.flush()
            os.fsync(out.fileno())
        partial.replace(target)  # a crash never leaves half a file under the real key

    def chunks(self, key: str) -> Iterator[bytes]:
        handle = self.path(key).open("rb")  # raises FileNotFoundError before streaming starts
        return _read_chunks(handle)


def _read_chunks(handle: BinaryIO) -> Iterator[bytes]:
    with handle:
        while chunk := handle.read(CHUNK):
            yield chunk


class S3Storage:
    """Objects in a bucket of an S3-compatible server (MinIO, Ceph, AWS)."""

    def __init__(self, *, bucket: str, endpoint_url: str | None = None, region: str | None = None,
                 access_key: str | None = None, secret_key: str | None = None):
        import boto3  # only when S3 is configured

        self.bucket = bucket
        self.client: Any = boto3.client(
            "s3", endpoint_url=endpoint_url, region_name=region or "us-east-1",
            aws_access_key_id=access_key, aws_secret_access_key=secret_key,
        )

    def put(self, key: str, source: BinaryIO) -> None:
        # upload_fileobj sends large files in parts, reading the source piece by piece.
        self.client.upload_fileobj(source, self.bucket, key)

    def chunks(self, key: str) -> Iterator[bytes]:
        from botocore.exceptions import ClientError

        try:
            body = self.client.get_object(Bucket=self.bucket, Key=key)["Body"]
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise FileNotFoundError(key) from None
            raise
        return _stream_body(body)


def _stream_body(body: Any) -> Iterator[bytes]:
    try:
        yield from body.iter_chunks(CHUNK)
    finally:
        body.close()
