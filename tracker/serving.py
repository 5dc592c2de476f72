"""The development server's request log, without query strings: a search such as
`/api/v1/cases?q=Nguyễn Văn An` must not write a petitioner's name to the log (DOMAIN.md §5)."""
from __future__ import annotations

from urllib.parse import urlsplit

from werkzeug.serving import WSGIRequestHandler


class PathOnlyLogHandler(WSGIRequestHandler):
    """Logs method, path and status; never the query string."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        path = urlsplit(self.path).path
        self.log("info", '"%s %s %s" %s %s', self.command, path, self.request_version, code, size)
