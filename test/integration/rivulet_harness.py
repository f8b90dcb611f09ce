"""Black-box harness for Rivulet integration tests (Python 3 standard library only).

Starts the REAL `rivulet` binary on a free loopback port with a temporary SQLite file and
drives it over HTTP.

    from rivulet_harness import RivuletTestCase

    class MyTest(RivuletTestCase):
        @classmethod
        def setUpClass(cls):
            cls.server = cls.start_class_server()          # one server for the class

        def test_something(self):
            api = self.server.client("api_key")             # demo workspace API key
            r = api.post("/v1/contacts", json={"email": "a@example.com"})
            self.assertEqual(r.status, 201, r)
            status, headers, body = r                       # a Response also unpacks

        def test_restart(self):
            srv = self.start_server(args=["--max-body-bytes", "4096"])   # one for the test
            srv.stop()                                      # SIGTERM; asserts exit 0 in 15 s
            srv.start()                                     # same database

Other helpers: server.creds (the demo banner: workspace_uuid, client_id, client_secret,
api_key, public_key, secret_key, admin_key); server.client(auth) with auth "api_key",
"admin", "keypair", "oauth", a bearer string or a header dict; server.workspace_client()
(a fresh workspace and an API-key client for it, via the admin API); create_workspace,
create_credential, oauth_token; raw_request(bytes) for requests http.client cannot send;
kill() (SIGKILL), restart(); RivuletServer(outbound_allow=None) for a server that keeps
the default outbound policy (loopback webhooks refused; the harness otherwise passes
--outbound-allow 127.0.0.0/8,::1/128); server.cli(...) and run_cli(...) for the CLI on the same
database; parse_key_values for the CLI's key=value output; assertNativeError(r, status,
code, field) for the {"error":{"code","message","fields"}} envelope.

With RIVULET_TEST_BACKEND=postgres every server (unless given `database`) gets a fresh
database in a throw-away PostgreSQL 15 cluster (test/support/pg_cluster.py) started once per
test process, so the same suites run against PostgreSQL; new_database() gives one more.

The binary is $RIVULET_BIN (default /work/main/build/debug/rivulet). The server's output
(stdout and stderr, one file per start) is printed when a test using it fails, or always
with RIVULET_TEST_DUMP_LOGS=1. Every server stopped by the harness is also checked for
sanitizer reports (ASan/UBSan/LSan) in its output.
"""

import atexit
import http.client
import json as jsonlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse
import uuid as uuidlib

RIVULET_BIN = os.environ.get("RIVULET_BIN") or "/work/main/build/debug/rivulet"
BACKEND = os.environ.get("RIVULET_TEST_BACKEND", "sqlite")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
HOST = "127.0.0.1"
START_TIMEOUT = float(os.environ.get("RIVULET_TEST_START_TIMEOUT", "60"))
STOP_TIMEOUT = 15.0
LISTEN_RE = re.compile(r"rivulet listening on http://([^\s:]+|\[[^\]]+\]):(\d+)")
SANITIZER_RE = re.compile(
    r"(ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|"
    r"WARNING: ThreadSanitizer|ERROR: UndefinedBehaviorSanitizer)")

# Webhook and SMS receivers in tests listen on loopback, which the server refuses by default
# (outbound_allow); servers started here allow it unless given outbound_allow=None.
DEFAULT_OUTBOUND_ALLOW = "127.0.0.0/8,::1/128"

# Lines of the banner printed on the first `serve --demo` (see src/app/app.cc).
DEMO_LINES = {
    "workspace uuid": "workspace_uuid",
    "OAuth2 client_id": "client_id",
    "OAuth2 secret": "client_secret",
    "API key": "api_key",
    "PublicKey": "public_key",
    "SecretKey": "secret_key",
    "admin API key": "admin_key",
}
DEMO_RE = re.compile(r"^  (" + "|".join(re.escape(k) for k in DEMO_LINES) + r")\s+(\S+)\s*$",
                     re.MULTILINE)


def clean_env(extra=None):
    """The inherited environment without RIVULET_* settings, plus extra."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RIVULET_")}
    # Sanitizer reports should go to the output we capture; keep any user choice.
    env.setdefault("ASAN_OPTIONS", "abort_on_error=0:detect_leaks=1")
    env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1")
    env.update(extra or {})
    return env


def tail(text, lines=200):
    parts = text.splitlines()
    if len(parts) <= lines:
        return text
    return "[... %d earlier lines ...]\n" % (len(parts) - lines) + "\n".join(parts[-lines:])


class DemoCredentials:
    """The secrets printed by the first `serve --demo`."""

    def __init__(self, values):
        self.workspace_uuid = values["workspace_uuid"]
        self.client_id = values["client_id"]
        self.client_secret = values["client_secret"]
        self.api_key = values["api_key"]
        self.public_key = values["public_key"]
        self.secret_key = values["secret_key"]
        self.admin_key = values["admin_key"]

    def __repr__(self):
        return "DemoCredentials(workspace_uuid=%s, client_id=%s)" % (self.workspace_uuid,
                                                                     self.client_id)


# ---------------------------------------------------------------------------------------------
# HTTP client


class Response:
    """One HTTP response. Unpacks as (status, headers, body); body is parsed JSON when the
    response is JSON, else text (bytes when not UTF-8)."""

    def __init__(self, status, reason, headers, raw):
        self.status = status
        self.reason = reason
        self.headers = headers  # http.client.HTTPMessage (case-insensitive get)
        self.raw = raw
        ctype = (headers.get("Content-Type") or "").lower()
        body = raw
        try:
            text = raw.decode("utf-8")
            body = text
            if "json" in ctype and text:
                body = jsonlib.loads(text)
        except (UnicodeDecodeError, ValueError):
            pass
        self.body = body

    def __iter__(self):
        return iter((self.status, self.headers, self.body))

    def header(self, name, default=None):
        return self.headers.get(name, default)

    @property
    def json(self):
        if not isinstance(self.body, (dict, list)):
            raise AssertionError("response is not JSON: %r" % (self,))
        return self.body

    @property
    def error(self):
        """The native error object {"code","message","fields"?} (asserts it is there)."""
        b = self.body
        if not (isinstance(b, dict) and isinstance(b.get("error"), dict)):
            raise AssertionError("no native error envelope in %r" % (self,))
        return b["error"]

    def __repr__(self):
        shown = self.raw[:2000].decode("utf-8", "replace")
        return "<HTTP %s %s %s%s>" % (self.status, self.reason, shown,
                                       "..." if len(self.raw) > 2000 else "")


_MISSING = object()


def encode_multipart(fields, boundary=None):
    """fields: list of (name, value) where value is str/bytes, or (filename, content, type)."""
    boundary = boundary or "----rivulet" + uuidlib.uuid4().hex
    out = []
    for name, value in fields:
        out.append(b"--" + boundary.encode() + b"\r\n")
        if isinstance(value, tuple):
            filename, content, ctype = value
            out.append(('Content-Disposition: form-data; name="%s"; filename="%s"\r\n'
                        % (name, filename)).encode())
            out.append(("Content-Type: %s\r\n" % ctype).encode())
        else:
            content = value
            out.append(('Content-Disposition: form-data; name="%s"\r\n' % name).encode())
        out.append(b"\r\n")
        out.append(content.encode() if isinstance(content, str) else content)
        out.append(b"\r\n")
    out.append(b"--" + boundary.encode() + b"--\r\n")
    return b"".join(out), "multipart/form-data; boundary=" + boundary


class Client:
    """A keep-alive HTTP/1.1 client bound to one server and a set of default headers.

    request() sends exactly one of json=, form=, multipart= or body= (raw bytes/str with
    content_type=) and returns a Response. The connection is reused; `connects` counts the
    TCP connections opened (a stale keep-alive connection is reopened once)."""

    def __init__(self, host, port, headers=None, timeout=60):
        self.host = host
        self.port = port
        self.default_headers = dict(headers or {})
        self.timeout = timeout
        self.connects = 0
        self._conn = None

    def with_headers(self, headers):
        merged = dict(self.default_headers)
        merged.update(headers)
        return Client(self.host, self.port, merged, self.timeout)

    def close(self):
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    @property
    def sock(self):
        return self._conn.sock if self._conn is not None else None

    def _connection(self):
        if self._conn is None:
            self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        if self._conn.sock is None:
            self._conn.connect()
            self.connects += 1
        return self._conn

    def request(self, method, path, *, json=_MISSING, form=None, multipart=None, body=None,
                content_type=None, headers=None, query=None):
        hdrs = dict(self.default_headers)
        payload = None
        if json is not _MISSING:
            payload = jsonlib.dumps(json).encode()
            hdrs["Content-Type"] = "application/json"
        elif form is not None:
            payload = (form if isinstance(form, str)
                       else urllib.parse.urlencode(form, doseq=True)).encode()
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
        elif multipart is not None:
            payload, hdrs["Content-Type"] = encode_multipart(multipart)
        elif body is not None:
            payload = body.encode() if isinstance(body, str) else body
        if content_type is not None:
            hdrs["Content-Type"] = content_type
        hdrs.update(headers or {})
        if query:
            path += ("&" if "?" in path else "?") + urllib.parse.urlencode(query, doseq=True)
        if payload is None and method in ("POST", "PUT", "PATCH"):
            payload = b""
        for attempt in (0, 1):
            reused = self._conn is not None and self._conn.sock is not None
            conn = self._connection()
            try:
                conn.request(method, path, body=payload, headers=hdrs)
                resp = conn.getresponse()
                raw = resp.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if reused and attempt == 0:
                    continue  # the server closed an idle keep-alive connection: reopen once
                raise
            except Exception:
                self.close()
                raise
            if resp.will_close:
                self.close()
            return Response(resp.status, resp.reason, resp.headers, raw)
        raise AssertionError("unreachable")

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def put(self, path, **kw):
        return self.request("PUT", path, **kw)

    def patch(self, path, **kw):
        return self.request("PATCH", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)


def parse_raw_response(data):
    """(status, {lowercased header: value}, body bytes) from raw HTTP/1.1 response bytes;
    status is None when no status line arrived."""
    head, sep, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    m = re.match(r"HTTP/\d\.\d (\d{3})", lines[0]) if lines and lines[0] else None
    if not m:
        return None, {}, data
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    return int(m.group(1)), headers, body


# ---------------------------------------------------------------------------------------------
# Server process

_LIVE_SERVERS = set()


@atexit.register
def _kill_leftover_servers():
    """Last resort when the test process ends without its cleanups (e.g. interrupted)."""
    for srv in list(_LIVE_SERVERS):
        try:
            srv.close()
        except Exception:  # noqa: BLE001 - best effort at exit
            pass


def new_database(tmp_dir):
    """A fresh database for one server: a SQLite file in tmp_dir, or (RIVULET_TEST_BACKEND=
    postgres) a new database in the shared throw-away PostgreSQL cluster."""
    if BACKEND == "postgres":
        from pg_cluster import PostgresCluster
        return PostgresCluster.shared().create_database()
    return os.path.join(tmp_dir, "r.db")


class RivuletServer:
    """One `rivulet serve --demo` process (restartable) on its own temporary directory and
    SQLite database."""

    def __init__(self, args=(), env=None, demo=True, database=None, binary=None,
                 name="rivulet", access_log=False, outbound_allow=DEFAULT_OUTBOUND_ALLOW):
        self.binary = binary or RIVULET_BIN
        if not os.path.exists(self.binary):
            # A missing binary is a failure, not a skip: a silently skipped suite proves nothing.
            raise AssertionError("rivulet binary not found at %s (set RIVULET_BIN)" % self.binary)
        self.name = name
        self.tmp = tempfile.mkdtemp(prefix="rivulet-it-")
        self.database = database or new_database(self.tmp)
        self.args = list(args)
        self.env = dict(env or {})
        self.demo = demo
        self.access_log = access_log
        self.outbound_allow = outbound_allow
        self.preexec_fn = None  # run in the child before exec (e.g. resource limits)
        self.proc = None
        self.host = HOST
        self.port = None
        self.creds = None  # DemoCredentials, from the first start that printed them
        self.starts = 0
        self.log_paths = []
        self.returncodes = []
        self._log_file = None
        self._clients = []
        self._closed = False
        _LIVE_SERVERS.add(self)

    # -- lifecycle ---------------------------------------------------------------------------

    def command(self, extra_args=()):
        cmd = [self.binary, "serve"]
        if self.demo:
            cmd.append("--demo")
        cmd += ["--database", self.database, "--listen", "%s:0" % HOST,
                "--access-log", "true" if self.access_log else "false"]
        if self.outbound_allow is not None:
            cmd += ["--outbound-allow", self.outbound_allow]
        return cmd + self.args + list(extra_args)

    def start(self, timeout=START_TIMEOUT, extra_args=(), env=None):
        """Starts the server and waits until it prints its listening line and answers
        /healthz. Fails with the server's output when it exits or times out first."""
        assert not self.running, "server already running"
        self._reap()
        self.starts += 1
        path = os.path.join(self.tmp, "%s-%d.log" % (self.name, self.starts))
        self.log_paths.append(path)
        self._log_file = open(path, "wb")
        merged_env = dict(self.env)
        merged_env.update(env or {})
        self.proc = subprocess.Popen(self.command(extra_args), stdin=subprocess.DEVNULL,
                                     stdout=self._log_file, stderr=subprocess.STDOUT,
                                     env=clean_env(merged_env), cwd=self.tmp,
                                     start_new_session=True, preexec_fn=self.preexec_fn)
        deadline = time.monotonic() + timeout
        while True:
            text = self.current_log()
            m = LISTEN_RE.search(text)
            if m:
                self.port = int(m.group(2))
                break
            if self.proc.poll() is not None:
                code = self.proc.returncode
                self._reap()
                raise AssertionError("rivulet exited with %s before listening; output:\n%s"
                                     % (code, tail(self.current_log(path))))
            if time.monotonic() > deadline:
                self.kill()
                raise AssertionError("rivulet did not print its listening line within %ss; "
                                     "output:\n%s" % (timeout, tail(self.current_log(path))))
            time.sleep(0.02)
        found = dict((DEMO_LINES[k], v) for k, v in DEMO_RE.findall(text))
        if found:
            if len(found) != len(DEMO_LINES):
                raise AssertionError("incomplete demo banner:\n%s" % text)
            self.creds = DemoCredentials(found)
        elif self.demo and self.creds is None:
            raise AssertionError("serve --demo printed no demo credentials; output:\n%s"
                                 % tail(text))
        self.wait_ready(deadline)
        return self

    def wait_ready(self, deadline):
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("rivulet exited with %s; output:\n%s"
                                     % (self.proc.returncode, tail(self.current_log())))
            try:
                conn = http.client.HTTPConnection(self.host, self.port, timeout=5)
                conn.request("GET", "/healthz")
                r = conn.getresponse()
                r.read()
                conn.close()
                if r.status == 200:
                    return
                last = r.status
            except OSError as e:
                last = e
            time.sleep(0.05)
        raise AssertionError("rivulet not healthy (%r); output:\n%s" % (last, tail(self.current_log())))

    @property
    def running(self):
        return self.proc is not None and self.proc.poll() is None

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def signal(self, sig):
        self.proc.send_signal(sig)

    def stop(self, timeout=STOP_TIMEOUT, expect_code=0, check_sanitizers=True):
        """SIGTERM and wait; asserts the exit code (0 by default) within timeout seconds.
        Returns (exit code, seconds taken)."""
        assert self.proc is not None, "server not started"
        self._close_clients()
        # Let the server see connections closed just before (ours, the readiness probe's)
        # first; a SIGTERM racing with closing connections is exercised on purpose by
        # ShutdownTest.test_sigterm_right_after_clients_disconnect_exits_cleanly.
        time.sleep(0.1)
        began = time.monotonic()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError("rivulet did not exit within %ss of SIGTERM; output:\n%s"
                                 % (timeout, tail(self.current_log())))
        took = time.monotonic() - began
        self._reap()
        if expect_code is not None and code != expect_code:
            raise AssertionError("rivulet exited with %s after SIGTERM (expected %s); output:\n%s"
                                 % (code, expect_code, tail(self.current_log())))
        if check_sanitizers:
            self.assert_no_sanitizer_reports()
        return code, took

    def kill(self):
        """SIGKILL (kill -9) and reap; no cleanup runs in the server."""
        self._close_clients()
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                self.proc.kill()
            self.proc.wait(30)
        self._reap()

    def restart(self, graceful=True, **kw):
        if self.running:
            if graceful:
                self.stop()
            else:
                self.kill()
        return self.start(**kw)

    def _reap(self):
        if self.proc is not None and self.proc.returncode is not None:
            if len(self.returncodes) < self.starts:
                self.returncodes.append(self.proc.returncode)
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    def close(self, graceful=False):
        """Stops the process (SIGTERM and checks when graceful, else SIGKILL) and removes
        the temporary directory. Safe to call twice."""
        if self._closed:
            return
        try:
            if self.running and graceful:
                self.stop()
        finally:
            self._closed = True
            _LIVE_SERVERS.discard(self)
            self.kill()
            shutil.rmtree(self.tmp, ignore_errors=True)

    # -- output ------------------------------------------------------------------------------

    def current_log(self, path=None):
        path = path or (self.log_paths[-1] if self.log_paths else None)
        if not path or not os.path.exists(path):
            return ""
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def log(self):
        """Output of every start so far."""
        parts = []
        for i, p in enumerate(self.log_paths, 1):
            parts.append("----- %s start #%d (%s) -----\n%s" % (self.name, i, p,
                                                             self.current_log(p)))
        return "\n".join(parts)

    def assert_no_sanitizer_reports(self):
        for p in self.log_paths:
            text = self.current_log(p)
            m = SANITIZER_RE.search(text)
            if m:
                start = max(0, m.start() - 2000)
                raise AssertionError("sanitizer report in %s output:\n%s"
                                     % (self.name, text[start:m.start() + 6000]))

    # -- clients -----------------------------------------------------------------------------

    @property
    def base_url(self):
        return "http://%s:%d" % (self.host, self.port)

    def client(self, auth=None, headers=None, timeout=60):
        """A Client. auth: None, "api_key", "admin", "keypair", "oauth" (fetches a token), a
        bearer token string, or a dict of headers."""
        h = {}
        if auth == "api_key":
            h["Authorization"] = "Bearer " + self.creds.api_key
        elif auth == "admin":
            h["Authorization"] = "Bearer " + self.creds.admin_key
        elif auth == "keypair":
            h["PublicKey"] = self.creds.public_key
            h["SecretKey"] = self.creds.secret_key
        elif auth == "oauth":
            h["Authorization"] = "Bearer " + self.oauth_token()
        elif isinstance(auth, dict):
            h.update(auth)
        elif isinstance(auth, str):
            h["Authorization"] = "Bearer " + auth
        h.update(headers or {})
        c = Client(self.host, self.port, h, timeout)
        self._clients.append(c)
        return c

    def _close_clients(self):
        """Closes every client's connection; True when one was open."""
        was_open = False
        for c in self._clients:
            was_open = was_open or c.sock is not None
            c.close()
        return was_open

    def oauth_token(self, client_id=None, client_secret=None):
        c = Client(self.host, self.port)
        try:
            r = c.post("/oauth/token", form={
                "grant_type": "client_credentials",
                "client_id": client_id if client_id is not None else self.creds.client_id,
                "client_secret": client_secret if client_secret is not None else self.creds.client_secret,
            })
        finally:
            c.close()
        if r.status != 200:
            raise AssertionError("token request failed: %r" % (r,))
        return r.json["access_token"]

    def create_workspace(self, name=None):
        """Creates a workspace with the admin key; returns its JSON object."""
        admin = self.client("admin")
        r = admin.post("/v1/workspaces", json={"name": name or "ws-" + uuidlib.uuid4().hex[:8]})
        admin.close()
        if r.status != 201:
            raise AssertionError("create workspace failed: %r" % (r,))
        return r.json["workspace"]

    def create_credential(self, workspace_uuid, kind="apikey", label=""):
        """Creates a credential with the admin key; returns its JSON object (with secret)."""
        admin = self.client("admin")
        r = admin.post("/v1/workspaces/%s/credentials" % workspace_uuid,
                       json={"kind": kind, "label": label})
        admin.close()
        if r.status != 201:
            raise AssertionError("create credential failed: %r" % (r,))
        return r.json["credential"]

    def workspace_client(self, name=None):
        """A new workspace and a client using a new API key of it: (workspace, client)."""
        ws = self.create_workspace(name)
        cred = self.create_credential(ws["uuid"], "apikey")
        return ws, self.client(cred["api_key"])

    def raw_request(self, data, timeout=10):
        """Sends raw bytes on a new connection and reads until the server closes it (or
        timeout). Returns (status, headers, body, error); a reset after the response is
        tolerated and reported in error."""
        chunks, error = [], None
        s = socket.create_connection((self.host, self.port), timeout=timeout)
        try:
            try:
                s.sendall(data)
            except OSError as e:
                error = e
            while True:
                try:
                    b = s.recv(65536)
                except OSError as e:  # reset, timeout
                    error = error or e
                    break
                if not b:
                    break
                chunks.append(b)
        finally:
            s.close()
        status, headers, body = parse_raw_response(b"".join(chunks))
        return status, headers, body, error

    def healthy(self):
        c = Client(self.host, self.port, timeout=10)
        try:
            return c.get("/healthz").status == 200
        except OSError:
            return False
        finally:
            c.close()

    # -- CLI ---------------------------------------------------------------------------------

    def cli(self, *args, database=True, check=True, timeout=120, env=None):
        """Runs `rivulet ARGS --database <this database>`; returns CompletedProcess (text).
        With check, a non-zero exit fails with the output."""
        return run_cli(*args, database=self.database if database else None, check=check,
                       timeout=timeout, env=env, cwd=self.tmp, binary=self.binary)


def run_cli(*args, database=None, check=True, timeout=120, env=None, cwd=None, binary=None):
    cmd = [binary or RIVULET_BIN] + [str(a) for a in args]
    if database:
        cmd += ["--database", database]
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                       timeout=timeout, env=clean_env(env), cwd=cwd)
    if check and p.returncode != 0:
        raise AssertionError("%s exited %d\nstdout:\n%s\nstderr:\n%s"
                             % (" ".join(cmd), p.returncode, p.stdout, p.stderr))
    return p


def parse_key_values(text):
    """key=value lines (CLI credential output) as a dict."""
    out = {}
    for line in text.splitlines():
        k, sep, v = line.partition("=")
        if sep and k and " " not in k:
            out[k.strip()] = v.strip()
    return out


# ---------------------------------------------------------------------------------------------
# TestCase base


class RivuletTestCase(unittest.TestCase):
    """Starts servers that are cleaned up automatically; prints their output when a test
    using them fails."""

    _class_servers = ()

    @classmethod
    def start_class_server(cls, **kw):
        """A server shared by the class's tests, stopped (SIGTERM, exit 0 asserted) after
        them."""
        srv = RivuletServer(**kw)
        cls.addClassCleanup(srv.close, graceful=True)
        cls._class_servers = tuple(cls._class_servers) + (srv,)
        srv.start()
        return srv

    def setUp(self):
        super().setUp()
        self._servers = list(self._class_servers)
        self._log_marks = {id(s): [len(s.current_log(p)) for p in s.log_paths]
                           for s in self._servers}
        self.addCleanup(self._dump_logs_if_failed)

    def start_server(self, start=True, **kw):
        """A server for this test only, killed (and its directory removed) afterwards."""
        srv = RivuletServer(**kw)
        self.addCleanup(srv.close)
        self._servers.append(srv)
        if start:
            srv.start()
        return srv

    def _failed(self):
        outcome = getattr(self, "_outcome", None)
        if outcome is None:
            return False
        if not getattr(outcome, "success", True):
            return True
        result = getattr(outcome, "result", None)
        for kind in ("errors", "failures"):
            for test, _ in getattr(result, kind, []) or []:
                if test is self:
                    return True
        return False

    def _dump_logs_if_failed(self):
        if not (self._failed() or os.environ.get("RIVULET_TEST_DUMP_LOGS")):
            return
        for s in self._servers:
            marks = self._log_marks.get(id(s), [])
            parts = []
            for i, p in enumerate(s.log_paths):
                text = s.current_log(p)
                if i < len(marks):
                    text = text[marks[i]:]
                    if not text:
                        continue
                parts.append("--- start #%d (%s) ---\n%s" % (i + 1, p, tail(text)))
            sys.stderr.write("\n===== output of %s (port %s) during %s =====\n%s\n===== end =====\n"
                             % (s.name, s.port, self.id(), "\n".join(parts)))

    # -- assertions --------------------------------------------------------------------------

    def assertStatus(self, response, status, msg=None):
        self.assertEqual(response.status, status, msg or response)
        return response

    def assertNativeError(self, response, status, code=None, field=None):
        """Asserts status and the native envelope {"error":{"code","message",...}}; returns
        the error object."""
        self.assertEqual(response.status, status, response)
        err = response.error
        self.assertIsInstance(err.get("code"), str, response)
        self.assertIsInstance(err.get("message"), str, response)
        if code is not None:
            self.assertEqual(err["code"], code, response)
        if field is not None:
            self.assertIn(field, err.get("fields") or {}, response)
        return err
