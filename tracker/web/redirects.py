"""Where a page may send a user back to after signing in: only a page of this site.

The target is parsed, never string-checked: anything with a scheme or a host, a path that
does not start with one "/", white space, control or backslash characters (which browsers
drop or read as "/", turning "/\\t/evil.example" into "//evil.example"), or a path that is
not a page of this application falls back to the home page.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from flask import current_app
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

_UNSAFE = re.compile(r"[\x00-\x20\x7f-\x9f\\\u2028\u2029]")


def safe_next(target: str | None, default: str) -> str:
    """`target` when it is a page of this site (path and query), else `default`."""
    if not target or len(target) > 2000 or _UNSAFE.search(target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("//"):
        return default
    try:
        current_app.url_map.bind("localhost").match(parts.path, method="GET")
    except (NotFound, MethodNotAllowed):
        return default
    except RequestRedirect:  # a missing trailing slash: still a page of this site
        pass
    return urlunsplit(("", "", parts.path, parts.query, ""))
