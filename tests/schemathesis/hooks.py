"""Schemathesis hooks of tests/schemathesis/run.sh (loaded through SCHEMATHESIS_HOOKS).

Two narrow exclusions, both for requests whose failure says nothing about the generated code.

1. Failures on responses that netlify dev (the local runtime) sends itself, for requests that never
reach the generated function.

netlify dev 27.10.2 does not hand two kinds of request path to the function (checked by hand,
see README.md):
  - a path whose decoded form holds a line feed (`/api/movies/a%0Ab`): the `/api/*` redirect does
    not match it, so the static server answers `404 Not Found` / `405 Method Not Allowed` as
    text/plain;
  - a path whose decoded form holds a `%` that does not start an escape (`/api/movies/a%25b`): the
    redirect decodes the path once and the functions server's router fails to decode it again,
    answering `400` as text/html (an HTML stack trace).
Such responses carry none of the dispatcher's headers (it sends `X-Request-Id` and the security
headers on every response), so a failure is dropped only when all of these hold: the response has
no `X-Request-Id`, its status is 400, 404 or 405, and the decoded request path holds a line feed or
a `%`. Every response that came from the function is checked in full. Each drop is printed and
appended to the file named by SCAFFOLD_ST_DROPPED (if set), so run.sh can report how many there were.

2. Failures of a case whose path parameter is `.` or `..`. No such request goes out: the HTTP
client removes dot segments (RFC 3986, 5.2.4), so `GET /movies/.` is sent as `GET /movies/`,
another operation, whose answer schemathesis then judges against the wrong one. Whether the
document may call `.` a valid id at all is checked every run by api_checks.py instead.
"""

import os
import sys
from urllib.parse import unquote, urlsplit

import schemathesis

NETLIFY_DEV_OWN_STATUSES = {400, 404, 405}


def _dot_segment(case) -> bool:
    return any(str(value) in (".", "..") for value in (case.path_parameters or {}).values())


def _answered_by_netlify_dev(response) -> bool:
    if "x-request-id" in response.headers:
        return False
    if response.status_code not in NETLIFY_DEV_OWN_STATUSES:
        return False
    path = unquote(urlsplit(response.request.url).path)
    return "\n" in path or "%" in path


@schemathesis.hook
def filter_failure(context, failure, case, response):
    if response is None:
        return True
    if _dot_segment(case):
        why = f"path parameters {case.path_parameters!r}: a dot segment, the client sent another path"
    elif _answered_by_netlify_dev(response):
        why = "answered by netlify dev, not the function"
    else:
        return True
    content_type = ",".join(response.headers.get("content-type", [])) or "-"
    line = (
        f"dropped {failure.code} ({failure.title}): {response.request.method} {response.request.url} "
        f"-> {response.status_code} {content_type}, {why}\n"
    )
    sys.stderr.write("schemathesis hooks: " + line)
    target = os.environ.get("SCAFFOLD_ST_DROPPED")
    if target:
        with open(target, "a", encoding="utf-8") as out:
            out.write(line)
    return False
