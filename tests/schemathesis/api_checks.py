"""Helpers of tests/schemathesis/run.sh, run with the venv's Python (it has `requests`).

    api_checks.py token SUB              a made-up Netlify Identity token for user SUB
    api_checks.py instance API_URL       which load of the overlay's store answers (GET /health)
    api_checks.py users API_URL          two users against the running API: object-level access
    api_checks.py dots API_URL OPENAPI   no path parameter of the document admits `.` or `..`
    api_checks.py statuses NDJSON OPENAPI API_URL (--authenticated | --anonymous)
                                         what a schemathesis run got, per operation, from its
                                         NDJSON report; fails if the run did not exercise the API

`netlify dev` decodes `Authorization: Bearer <jwt>` into Netlify Identity's user without checking
the signature, so tokens with different `sub` claims act as different users. The generated auth
check wants a `sub` and an `exp` in the future.
"""

import argparse
import base64
import collections
import json

import yaml
import re
import sys
from urllib.parse import urlsplit

FAR_FUTURE = 4102444800  # 2100-01-01
FAILURES = []


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def token(sub: str, exp: int = FAR_FUTURE) -> str:
    header = {"alg": "HS256", "typ": "JWT"}
    claims = {"sub": sub, "exp": exp, "email": f"{sub}@example.test", "app_metadata": {"roles": []}}
    parts = [json.dumps(x, separators=(",", ":")).encode() for x in (header, claims)]
    return ".".join([b64url(parts[0]), b64url(parts[1]), b64url(b"not-checked-by-netlify-dev")])


def check(ok: bool, what: str, response=None) -> bool:
    if ok:
        print(f"  ok    {what}")
    else:
        detail = ""
        if response is not None:
            detail = f"\n        got {response.status_code} {response.headers.get('content-type')}: {response.text[:300]!r}"
        print(f"  FAIL  {what}{detail}")
        FAILURES.append(what)
    return ok


def is_json(response) -> bool:
    return (response.headers.get("content-type") or "").split(";")[0].strip() == "application/json"


def page_items(r):
    """The items of a list's page (`{"items": [...], "next": ...}`), or [] when it is not one."""
    body = json_of(r)
    items = body.get("items") if isinstance(body, dict) else None
    return items if isinstance(items, list) else []


def json_of(response):
    try:
        return response.json()
    except ValueError:
        return None


# ---- users: two users and the object-level rules ---------------------------------------------


def run_users(api: str) -> int:
    import requests

    session = requests.Session()
    alice, bob = token("st-alice"), token("st-bob")

    def call(method, path, who=None, body=None, raw_token=None):
        headers = {}
        if who is not None or raw_token is not None:
            headers["Authorization"] = f"Bearer {raw_token or who}"
        if body is not None:
            headers["Content-Type"] = "application/json"
        return session.request(
            method, api + path, headers=headers, timeout=30,
            data=None if body is None else json.dumps(body),
        )

    def not_found(r):
        return r.status_code == 404 and is_json(r) and json_of(r) == {"error": "not_found"}

    print("users: object-level access with two users (alice, bob)")
    r = call("GET", "/health")
    check(r.status_code == 200 and is_json(r) and json_of(r).get("ok") is True, "public GET /health answers 200 without a token", r)
    instance = (json_of(r) or {}).get("instance")

    # Without a token, or with an expired one: 401 and a Bearer challenge, on every protected operation.
    fresh = {"title": "Alien", "year": 1979, "rating": 8.5, "watched": True, "tags": ["sf", "horror"]}
    expired = token("st-alice", exp=1_000_000_000)
    for method, path, body in [("GET", "/movies", None), ("POST", "/movies", fresh), ("GET", "/movies/x1", None),
                               ("PUT", "/movies/x1", fresh), ("DELETE", "/movies/x1", None)]:
        for label, raw in [("no token", None), ("an expired token", expired), ("a token that is not a JWT", "opaque")]:
            r = call(method, path, body=body, raw_token=raw)
            check(r.status_code == 401 and r.headers.get("www-authenticate") == "Bearer" and is_json(r),
                  f"{method} {path} with {label}: 401 + WWW-Authenticate: Bearer", r)

    # alice creates; the id is made by the server.
    r = call("POST", "/movies", alice, fresh)
    created = json_of(r) or {}
    if not check(r.status_code == 201 and is_json(r) and isinstance(created.get("id"), str), "alice creates a movie: 201 with an id", r):
        return 1
    movie_id = created["id"]
    check({k: v for k, v in created.items() if k != "id"} == fresh, "the created movie holds exactly the fields sent", r)
    r = call("GET", f"/movies/{movie_id}", alice)
    check(r.status_code == 200 and json_of(r) == created, "alice reads her movie: 200, the same object (state kept between requests)", r)
    r = call("GET", "/movies", alice)
    check(r.status_code == 200 and created in page_items(r), "alice's list holds it", r)

    # bob can neither see nor touch it: 404, exactly as for an id that does not exist.
    r = call("GET", f"/movies/{movie_id}", bob)
    check(not_found(r), "bob reads alice's movie: 404 not_found", r)
    r = call("PUT", f"/movies/{movie_id}", bob, {"title": "Hijacked"})
    check(not_found(r), "bob updates alice's movie: 404 not_found", r)
    r = call("DELETE", f"/movies/{movie_id}", bob)
    check(not_found(r), "bob deletes alice's movie: 404 not_found", r)
    r = call("GET", "/movies", bob)
    check(r.status_code == 200 and isinstance((json_of(r) or {}).get("items"), list)
          and all(m.get("id") != movie_id for m in page_items(r)),
          "bob's list does not hold it", r)
    r = call("GET", f"/movies/{movie_id}", alice)
    check(r.status_code == 200 and json_of(r) == created, "after bob's attempts alice's movie is unchanged", r)

    # The other way round.
    r = call("POST", "/movies", bob, {"title": "Heat"})
    bobs = json_of(r) or {}
    if check(r.status_code == 201 and isinstance(bobs.get("id"), str), "bob creates a movie: 201", r):
        check(not_found(call("GET", f"/movies/{bobs['id']}", alice)), "alice reads bob's movie: 404 not_found")
        check(not_found(call("PUT", f"/movies/{bobs['id']}", alice, {"title": "x"})), "alice updates bob's movie: 404 not_found")
        check(not_found(call("DELETE", f"/movies/{bobs['id']}", alice)), "alice deletes bob's movie: 404 not_found")
        r = call("GET", "/movies", alice)
        check(all(m.get("id") != bobs["id"] for m in page_items(r)), "alice's list does not hold bob's movie", r)
        check(call("GET", f"/movies/{bobs['id']}", bob).status_code == 200, "bob still reads his movie")

    # alice's own update and delete.
    changed = {"title": "Aliens", "year": 1986}
    r = call("PUT", f"/movies/{movie_id}", alice, changed)
    check(r.status_code == 200 and json_of(r) == {**changed, "id": movie_id}, "alice replaces her movie: 200, the new fields, same id", r)
    r = call("DELETE", f"/movies/{movie_id}", alice)
    check(r.status_code == 204 and r.content == b"", "alice deletes her movie: 204, no body", r)
    check(not_found(call("GET", f"/movies/{movie_id}", alice)), "then reading it: 404")
    check(not_found(call("DELETE", f"/movies/{movie_id}", alice)), "then deleting it again: 404")

    r = call("GET", "/health")
    check((json_of(r) or {}).get("instance") == instance, "every request was served by one warm load of the store", r)

    print(f"users: {'FAILED: ' + str(len(FAILURES)) if FAILURES else 'all passed'}")
    return 1 if FAILURES else 0


def run_dots(api: str, openapi_path: str) -> int:
    """No path parameter pattern of the document may admit `.` or `..`.

    URL normalisation (RFC 3986, 5.2.4) removes such segments before any server sees them: HTTP
    clients do it, and so does netlify dev, even for `%2E`. So `/movies/.` is `/movies/`, another
    operation, and no request can carry the id `.`. schemathesis draws `.` from such a pattern only
    now and then (about 1 in 2000 examples), so it is checked here every run.
    """
    import requests

    alice = token("st-alice")
    print("dots: path parameters in openapi.yaml never admit a dot segment")
    with open(openapi_path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    for path, item in sorted(doc.get("paths", {}).items()):
        for method, op in sorted(item.items()):
            for p in op.get("parameters", []):
                pattern = (p.get("schema") or {}).get("pattern")
                if p.get("in") != "path":
                    continue
                what = f"{method.upper()} {path}: the schema of `{p['name']}`"
                if not pattern:
                    check(False, f"{what} has no pattern, so it admits '.' and '..'")
                    continue
                admitted = [v for v in (".", "..") if re.search(pattern, v)]
                if not admitted:
                    check(True, f"{what} ({pattern}) admits neither '.' nor '..'")
                    continue
                concrete = path.replace("{" + p["name"] + "}", admitted[0])
                headers = {"Authorization": f"Bearer {alice}", "Content-Type": "application/json"}
                r = requests.request(method.upper(), api + concrete, headers=headers, timeout=30,
                                     data=json.dumps({"title": "t"}) if method in ("put", "post", "patch") else None)
                sent = urlsplit(r.request.url).path
                answer = json_of(r) if is_json(r) else r.text
                check(False, f"{what} ({pattern}) admits {' and '.join(map(repr, admitted))}, which URLs cannot carry: "
                             f"{method.upper()} {urlsplit(api).path}{concrete} goes out as {method.upper()} {sent} and gets "
                             f"{r.status_code} {json.dumps(answer)[:80]}, not this operation's answer")
    print(f"dots: {'FAILED: ' + str(len(FAILURES)) if FAILURES else 'all passed'}")
    return 1 if FAILURES else 0


# ---- statuses: what a schemathesis run exercised ---------------------------------------------


def operations(doc):
    out = []
    for path, item in doc.get("paths", {}).items():
        regex = re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path)) + "/?$")
        for method, op in item.items():
            public = op.get("security", doc.get("security")) == []
            out.append((method.upper(), path, regex, public))
    return out


def run_statuses(ndjson: str, openapi_path: str, api: str, mode: str) -> int:
    with open(openapi_path, encoding="utf-8") as f:
        ops = operations(yaml.safe_load(f))
    prefix = urlsplit(api).path.rstrip("/")
    seen = collections.defaultdict(collections.Counter)
    with open(ndjson, encoding="utf-8") as f:
        for line in f:
            event = json.loads(line)
            finished = event.get("ScenarioFinished")
            if not finished:
                continue
            for interaction in ((finished.get("recorder") or {}).get("interactions") or {}).values():
                request, response = interaction.get("request") or {}, interaction.get("response")
                if not response:
                    continue
                path = urlsplit(request.get("uri", "")).path
                if not path.startswith(prefix):
                    continue
                path = path[len(prefix):]
                for method, template, regex, _ in ops:
                    if request.get("method") == method and regex.match(path):
                        seen[(method, template)][response["status_code"]] += 1
                        break
    print(f"statuses ({mode}): responses per documented operation")
    failed = 0
    for method, template, _, public in sorted(ops, key=lambda o: (o[1], o[0])):
        counts = seen.get((method, template), collections.Counter())
        text = ", ".join(f"{s}x{n}" for s, n in sorted(counts.items())) or "none"
        two = sum(n for s, n in counts.items() if 200 <= s < 300)
        if mode == "authenticated":
            ok, want = two > 0, "at least one 2xx"
        elif public:
            ok, want = True, "(public)"
        else:
            ok, want = two == 0 and counts[401] > 0, "401s and no 2xx"
        print(f"  {'ok  ' if ok else 'FAIL'}  {method} {template}: {text}  [{want}]")
        failed += not ok
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("token")
    t.add_argument("sub")
    i = sub.add_parser("instance")
    i.add_argument("api")
    u = sub.add_parser("users")
    u.add_argument("api")
    d = sub.add_parser("dots")
    d.add_argument("api")
    d.add_argument("openapi")
    s = sub.add_parser("statuses")
    s.add_argument("ndjson")
    s.add_argument("openapi")
    s.add_argument("api")
    mode = s.add_mutually_exclusive_group(required=True)
    mode.add_argument("--authenticated", dest="mode", action="store_const", const="authenticated")
    mode.add_argument("--anonymous", dest="mode", action="store_const", const="anonymous")
    args = parser.parse_args()
    if args.cmd == "token":
        print(token(args.sub))
        return 0
    if args.cmd == "instance":
        import requests

        body = requests.get(args.api.rstrip("/") + "/health", timeout=30).json()
        print(body["instance"])
        return 0
    if args.cmd == "users":
        return run_users(args.api.rstrip("/"))
    if args.cmd == "dots":
        return run_dots(args.api.rstrip("/"), args.openapi)
    return run_statuses(args.ndjson, args.openapi, args.api, args.mode)


if __name__ == "__main__":
    sys.exit(main())
