"""TEST DOUBLE of the Hugging Face Hub: a small in-memory HTTP server on 127.0.0.1 that implements just
the endpoints huggingface_hub / datasets / evaluate use to create repos, upload (preupload, LFS basic
transfer, ndjson commit), list (tree, paths-info), read repo info and download files (resolve, with
Range).  It is not a Hub: no auth beyond requiring a bearer token on writes, no branches but ``main``.

``HubState.fail`` injects failures (e.g. ``{"lfs_upload": 1}``: the next LFS upload answers 403) so tests
can check that an interrupted push leaves the repo unchanged.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlparse

PREFIXES = {"datasets/": "dataset", "spaces/": "space"}
LFS_SUFFIXES = (".parquet", ".arrow", ".bin", ".safetensors")


def git_blob_oid(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


@dataclass
class Blob:
    data: bytes
    lfs: bool

    def entry(self, path: str) -> dict:
        e = {"type": "file", "path": path, "size": len(self.data), "oid": git_blob_oid(self.data)}
        if self.lfs:
            e["lfs"] = {
                "oid": hashlib.sha256(self.data).hexdigest(),
                "size": len(self.data),
                "pointerSize": 134,
            }
        return e


@dataclass
class Commit:
    sha: str
    message: str
    files: dict[str, Blob]
    date: float = field(default_factory=time.time)


@dataclass
class Repo:
    repo_type: str
    repo_id: str
    sdk: str | None = None
    private: bool = False
    commits: list[Commit] = field(default_factory=list)

    def head(self) -> Commit:
        return self.commits[-1]

    def at(self, revision: str) -> Commit | None:
        if revision in ("main", "HEAD"):
            return self.head()
        return next((c for c in self.commits if c.sha == revision), None)


class HubState:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.repos: dict[tuple[str, str], Repo] = {}
        self.lfs: dict[str, bytes] = {}
        self.fail: dict[str, int] = {}
        self.requests: list[str] = []  # "METHOD path" of every request, for assertions
        self.auth_headers: list[str] = []
        self._n = 0

    def new_sha(self) -> str:
        self._n += 1
        return hashlib.sha1(f"commit-{self._n}-{time.time()}".encode()).hexdigest()

    def should_fail(self, what: str) -> bool:
        with self.lock:
            if self.fail.get(what, 0) > 0:
                self.fail[what] -= 1
                return True
        return False


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state: HubState  # set by serve()

    def log_message(self, *args: object) -> None:  # quiet
        pass

    # -- plumbing -------------------------------------------------------------------------------------
    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            out = b""
            while True:
                size = int(self.rfile.readline().strip().split(b";")[0], 16)
                if size == 0:
                    self.rfile.readline()
                    return out
                out += self.rfile.read(size)
                self.rfile.readline()
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def _send(self, status: int, body: bytes = b"", headers: dict | None = None, head: bool = False) -> None:
        self.send_response(status)
        hdrs = {"Content-Type": "application/json", **(headers or {})}
        hdrs.setdefault("Content-Length", str(len(body)))
        for k, v in hdrs.items():
            self.send_header(k, v)
        self.end_headers()
        if not head and self.command != "HEAD" and body:
            self.wfile.write(body)

    def _json(self, status: int, obj: object, headers: dict | None = None) -> None:
        self._send(status, json.dumps(obj).encode(), headers)

    def _error(self, status: int, message: str, code: str | None = None) -> None:
        headers = {"X-Error-Message": message}
        if code:
            headers["X-Error-Code"] = code
        self._json(status, {"error": message}, headers)

    def _repo(self, repo_type: str, repo_id: str) -> Repo | None:
        return self.state.repos.get((repo_type, repo_id))

    def _base(self) -> str:
        return f"http://{self.headers.get('Host')}"

    def _authorized(self) -> bool:
        auth = self.headers.get("Authorization", "")
        self.state.auth_headers.append(auth)
        return auth.startswith("Bearer ") and len(auth) > len("Bearer ")

    def _dispatch(self, method: str) -> None:
        url = urlparse(self.path)
        path = unquote(url.path)
        query = parse_qs(url.query)
        self.state.requests.append(f"{method} {path}")
        for pattern, name in ROUTES:
            m = re.fullmatch(pattern, path)
            if m and (method, name) in HANDLED:
                getattr(self, f"h_{name}")(method, query, **m.groupdict())
                return
        self._error(404, f"no route for {method} {path}")

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_HEAD(self) -> None:
        self._dispatch("HEAD")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    # -- endpoints --------------------------------------------------------------------------------------
    def h_create(self, method: str, query: dict) -> None:
        if not self._authorized():
            return self._error(401, "Invalid credentials in Authorization header")
        body = json.loads(self._body() or b"{}")
        repo_type = body.get("type") or "model"
        repo_id = f"{body['organization']}/{body['name']}" if body.get("organization") else body["name"]
        prefix = "" if repo_type == "model" else f"{repo_type}s/"
        with self.state.lock:
            url = f"{self._base()}/{prefix}{repo_id}"
            if (repo_type, repo_id) in self.state.repos:  # the Hub answers 409 with the repo's url
                return self._json(409, {"error": "You already created this repo", "url": url})
            repo = Repo(repo_type, repo_id, sdk=body.get("sdk"), private=bool(body.get("private")))
            attrs = b"*.parquet filter=lfs diff=lfs merge=lfs -text\n"
            repo.commits.append(
                Commit(self.state.new_sha(), "initial commit", {".gitattributes": Blob(attrs, False)})
            )
            self.state.repos[(repo_type, repo_id)] = repo
        self._json(200, {"url": url, "name": repo_id})

    def h_info(self, method: str, query: dict, kind: str, repo_id: str, revision: str | None = None) -> None:
        repo = self._repo(kind[:-1], repo_id)
        if repo is None:
            return self._error(404, "Repository not found", "RepoNotFound")
        commit = repo.at(revision or "main")
        if commit is None:
            return self._error(404, f"Invalid rev id: {revision}", "RevisionNotFound")
        card = {}
        readme = commit.files.get("README.md")
        if readme is not None:
            m = re.match(rb"---\n(.*?)\n---", readme.data, re.S)
            if m:
                import yaml

                card = yaml.safe_load(m.group(1)) or {}
        info = {
            "_id": repo_id,
            "id": repo_id,
            "author": repo_id.split("/")[0],
            "sha": commit.sha,
            "lastModified": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(commit.date)),
            "private": repo.private,
            "disabled": False,
            "gated": False,
            "tags": [],
            "cardData": card,
            "siblings": [{"rfilename": p, "size": len(b.data)} for p, b in sorted(commit.files.items())],
        }
        if repo.repo_type == "space":
            info["sdk"] = repo.sdk
        self._json(200, info)

    def h_preupload(self, method: str, query: dict, kind: str, repo_id: str, revision: str) -> None:
        if self._repo(kind[:-1], repo_id) is None:
            return self._error(404, "Repository not found", "RepoNotFound")
        body = json.loads(self._body())
        files = [
            {
                "path": f["path"],
                "uploadMode": "lfs"
                if f["path"].endswith(LFS_SUFFIXES) or f["size"] > 1_000_000
                else "regular",
                "shouldIgnore": False,
            }
            for f in body["files"]
        ]
        self._json(200, {"files": files, "commitOid": self._repo(kind[:-1], repo_id).head().sha})

    def h_lfs_batch(self, method: str, query: dict, prefix: str, repo_id: str) -> None:
        if not self._authorized():
            return self._error(401, "Invalid credentials")
        body = json.loads(self._body())
        objects = []
        for obj in body["objects"]:
            entry = {"oid": obj["oid"], "size": obj["size"], "authenticated": True}
            if obj["oid"] not in self.state.lfs:
                entry["actions"] = {
                    "upload": {"href": f"{self._base()}/lfs-upload/{obj['oid']}", "header": {}},
                    "verify": {"href": f"{self._base()}/lfs-verify", "header": {}},
                }
            objects.append(entry)
        self._json(
            200, {"transfer": "basic", "objects": objects}, {"Content-Type": "application/vnd.git-lfs+json"}
        )

    def h_lfs_upload(self, method: str, query: dict, oid: str) -> None:
        data = self._body()
        if self.state.should_fail("lfs_upload"):
            return self._error(403, "injected failure: LFS upload refused")
        if hashlib.sha256(data).hexdigest() != oid:
            return self._error(400, "sha256 mismatch")
        with self.state.lock:
            self.state.lfs[oid] = data
        self._send(200)

    def h_lfs_verify(self, method: str, query: dict) -> None:
        body = json.loads(self._body())
        if body["oid"] not in self.state.lfs:
            return self._error(404, "object not found")
        self._json(200, {})

    def h_commit(self, method: str, query: dict, kind: str, repo_id: str, revision: str) -> None:
        if not self._authorized():
            return self._error(401, "Invalid credentials")
        repo = self._repo(kind[:-1], repo_id)
        if repo is None:
            return self._error(404, "Repository not found", "RepoNotFound")
        lines = [json.loads(line) for line in self._body().splitlines() if line.strip()]
        if self.state.should_fail("commit"):
            return self._error(403, "injected failure: commit refused")
        with self.state.lock:
            files = dict(repo.head().files)
            message = "commit"
            for item in lines:
                key, value = item["key"], item["value"]
                if key == "header":
                    message = value.get("summary", message)
                elif key == "file":
                    files[value["path"]] = Blob(base64.b64decode(value["content"]), False)
                elif key == "lfsFile":
                    if value["oid"] not in self.state.lfs:  # all or nothing: the commit is refused
                        return self._error(400, f"LFS object {value['oid']} missing for {value['path']}")
                    files[value["path"]] = Blob(self.state.lfs[value["oid"]], True)
                elif key == "deletedFile":
                    files.pop(value["path"], None)
                elif key == "deletedFolder":
                    for p in [p for p in files if p.startswith(value["path"].rstrip("/") + "/")]:
                        del files[p]
            commit = Commit(self.state.new_sha(), message, files)
            repo.commits.append(commit)
        prefix = "" if repo.repo_type == "model" else f"{repo.repo_type}s/"
        self._json(
            200,
            {
                "success": True,
                "commitOid": commit.sha,
                "commitUrl": f"{self._base()}/{prefix}{repo_id}/commit/{commit.sha}",
            },
        )

    def _listing(self, commit: Commit, base: str, recursive: bool) -> list[dict]:
        base = base.strip("/")
        out: dict[str, dict] = {}
        for p, blob in sorted(commit.files.items()):
            if base and not p.startswith(base + "/"):
                continue
            rest = p[len(base) + 1 :] if base else p
            parts = rest.split("/")
            if len(parts) == 1 or recursive:
                for i in range(1, len(parts)):
                    d = "/".join(([base] if base else []) + parts[:i])
                    if recursive or i == 1:
                        out.setdefault(
                            d, {"type": "directory", "path": d, "oid": git_blob_oid(d.encode()), "size": 0}
                        )
                out[p] = blob.entry(p)
            else:
                d = "/".join(([base] if base else []) + parts[:1])
                out.setdefault(
                    d, {"type": "directory", "path": d, "oid": git_blob_oid(d.encode()), "size": 0}
                )
        return list(out.values())

    def h_tree(
        self, method: str, query: dict, kind: str, repo_id: str, revision: str, path: str | None
    ) -> None:
        path = path or ""
        repo = self._repo(kind[:-1], repo_id)
        if repo is None:
            return self._error(404, "Repository not found", "RepoNotFound")
        commit = repo.at(revision)
        if commit is None:
            return self._error(404, "Revision not found", "RevisionNotFound")
        recursive = query.get("recursive", ["false"])[0].lower() in ("1", "true")
        if path and not any(p.startswith(path.strip("/") + "/") for p in commit.files):
            return self._error(404, f"{path} does not exist", "EntryNotFound")
        self._json(200, self._listing(commit, path, recursive))

    def h_paths_info(self, method: str, query: dict, kind: str, repo_id: str, revision: str) -> None:
        repo = self._repo(kind[:-1], repo_id)
        if repo is None:
            return self._error(404, "Repository not found", "RepoNotFound")
        commit = repo.at(revision)
        if commit is None:
            return self._error(404, "Revision not found", "RevisionNotFound")
        raw = self._body()
        ctype = self.headers.get("Content-Type", "")
        paths = (
            json.loads(raw).get("paths", []) if "json" in ctype else parse_qs(raw.decode()).get("paths", [])
        )
        out = []
        for p in paths:
            p = p.strip("/")
            if p in commit.files:
                out.append(commit.files[p].entry(p))
            elif any(f.startswith(p + "/") for f in commit.files):
                out.append({"type": "directory", "path": p, "oid": git_blob_oid(p.encode()), "size": 0})
        self._json(200, out)

    def h_resolve(
        self, method: str, query: dict, prefix: str, repo_id: str, revision: str, path: str
    ) -> None:
        repo = self._repo(PREFIXES.get(prefix or "", "model"), repo_id)
        if repo is None:
            return self._error(404, "Repository not found", "RepoNotFound")
        commit = repo.at(revision)
        if commit is None:
            return self._error(404, "Revision not found", "RevisionNotFound")
        blob = commit.files.get(path)
        if blob is None:
            return self._error(404, "Entry not found", "EntryNotFound")
        entry = blob.entry(path)
        headers = {
            "Content-Type": "application/octet-stream",
            "X-Repo-Commit": commit.sha,
            "ETag": f'"{entry["oid"]}"',
            "Accept-Ranges": "bytes",
        }
        if blob.lfs:
            headers["X-Linked-Etag"] = f'"{entry["lfs"]["oid"]}"'
            headers["X-Linked-Size"] = str(len(blob.data))
        data, status = blob.data, 200
        rng = self.headers.get("Range")
        m = re.fullmatch(r"bytes=(\d*)-(\d*)", rng or "")
        if m and method == "GET":
            start = int(m.group(1)) if m.group(1) else max(0, len(data) - int(m.group(2)))
            end = int(m.group(2)) if m.group(1) and m.group(2) else len(data) - 1
            end = min(end, len(data) - 1)
            headers["Content-Range"] = f"bytes {start}-{end}/{len(data)}"
            data, status = data[start : end + 1], 206
        headers["Content-Length"] = str(len(data))
        self._send(status, data, headers, head=(method == "HEAD"))

    def h_validate_yaml(self, method: str, query: dict) -> None:
        import yaml

        body = json.loads(self._body())
        m = re.match(r"---\n(.*?)\n---", body.get("content", ""), re.S)
        try:
            meta = yaml.safe_load(m.group(1)) if m else {}
        except yaml.YAMLError as exc:
            return self._error(400, f"invalid YAML in README.md: {exc}")
        if not isinstance(meta, dict):
            return self._error(400, "README.md metadata must be a mapping")
        self._json(200, {"errors": [], "warnings": []})

    def h_whoami(self, method: str, query: dict) -> None:
        if not self._authorized():
            return self._error(401, "Invalid credentials")
        self._json(200, {"type": "user", "name": "tester", "orgs": [], "auth": {"type": "access_token"}})


_KIND = r"(?P<kind>models|datasets|spaces)"
_ID = r"(?P<repo_id>[^/]+/[^/]+)"
ROUTES = [
    (r"/api/repos/create", "create"),
    (r"/api/whoami-v2", "whoami"),
    (r"/api/validate-yaml", "validate_yaml"),
    (rf"/api/{_KIND}/{_ID}/preupload/(?P<revision>[^/]+)", "preupload"),
    (rf"/api/{_KIND}/{_ID}/commit/(?P<revision>[^/]+)", "commit"),
    (rf"/api/{_KIND}/{_ID}/tree/(?P<revision>[^/]+)(?:/(?P<path>.*))?", "tree"),
    (rf"/api/{_KIND}/{_ID}/paths-info/(?P<revision>[^/]+)", "paths_info"),
    (rf"/api/{_KIND}/{_ID}/revision/(?P<revision>[^/]+)", "info"),
    (rf"/api/{_KIND}/{_ID}", "info"),
    (rf"/(?P<prefix>datasets/|spaces/)?{_ID}\.git/info/lfs/objects/batch", "lfs_batch"),
    (r"/lfs-upload/(?P<oid>[0-9a-f]{64})", "lfs_upload"),
    (r"/lfs-verify", "lfs_verify"),
    (rf"/(?P<prefix>datasets/|spaces/)?{_ID}/resolve/(?P<revision>[^/]+)/(?P<path>.+)", "resolve"),
]
HANDLED = {
    ("POST", "create"),
    ("GET", "whoami"),
    ("POST", "validate_yaml"),
    ("POST", "preupload"),
    ("POST", "commit"),
    ("GET", "tree"),
    ("POST", "paths_info"),
    ("GET", "info"),
    ("POST", "lfs_batch"),
    ("PUT", "lfs_upload"),
    ("POST", "lfs_verify"),
    ("GET", "resolve"),
    ("HEAD", "resolve"),
}


class HubServer:
    """``with HubServer() as hub: hub.url``; ``hub.state`` holds repos, LFS objects, request log."""

    def __init__(self) -> None:
        self.state = HubState()
        handler = type("BoundHandler", (Handler,), {"state": self.state})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> HubServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def client_env(tmp: str, endpoint: str | None = None, **extra: str) -> dict[str, str]:
    """Environment for a client subprocess: caches under ``tmp``; talking to ``endpoint`` (this test
    double) when given, otherwise fully offline.  Set before huggingface_hub is imported, as it must be."""
    import os

    env = {
        **os.environ,
        "HF_HOME": f"{tmp}/hf_home",
        "HF_DATASETS_CACHE": f"{tmp}/datasets_cache",
        "HF_HUB_DISABLE_XET": "1",
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "TOKENIZERS_PARALLELISM": "false",
    }
    env.pop("HF_TOKEN", None)
    if endpoint:
        env.update(HF_ENDPOINT=endpoint, HF_HUB_OFFLINE="0", HF_DATASETS_OFFLINE="0", HF_EVALUATE_OFFLINE="0")
    else:
        env.update(HF_HUB_OFFLINE="1", HF_DATASETS_OFFLINE="1", HF_EVALUATE_OFFLINE="1")
    env.update(extra)
    return env
