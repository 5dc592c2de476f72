"""Documents' bytes: where they are stored (disk by default, S3-compatible storage by a
setting), how an upload is received (streamed to a temporary file, hashed, its type read
from its content, its name sanitised) and which types are accepted."""
from __future__ import annotations

from typing import Any

from flask import Flask

from tracker.files.storage import DiskStorage, S3Storage, Storage

__all__ = ["DiskStorage", "S3Storage", "Storage", "init_app", "storage_for"]


def storage_for(config: dict[str, Any] | Any, instance_path: str) -> Storage:
    """The storage the configuration names: `FILES_STORAGE` = `disk` (default, under
    `FILES_DIR`, else the instance folder's `files/`) or `s3` (`S3_ENDPOINT_URL`, `S3_BUCKET`,
    `S3_ACCESS_KEY`, `S3_SECRET_KEY`, `S3_REGION`)."""
    kind = (config.get("FILES_STORAGE") or "disk").lower()
    if kind == "s3":
        return S3Storage(
            bucket=config["S3_BUCKET"], endpoint_url=config.get("S3_ENDPOINT_URL"), region=config.get("S3_REGION"),
            access_key=config.get("S3_ACCESS_KEY"), secret_key=config.get("S3_SECRET_KEY"),
        )
    if kind != "disk":
        raise ValueError(f"FILES_STORAGE must be 'disk' or 's3', not {kind!r}")
    root = config.get("FILES_DIR") or f"{instance_path}/files"
    return DiskStorage(root)


def init_app(app: Flask) -> None:
    """Keep the configured storage on `app.extensions["files"]` (nothing is opened yet)."""
    app.extensions["files"] = storage_for(app.config, app.instance_path)
