"""A throw-away PostgreSQL 15 cluster for tests (Python 3 standard library only).

    from pg_cluster import PostgresCluster
    cluster = PostgresCluster.shared()        # started once per process, stopped at exit
    url = cluster.create_database()           # a fresh, empty database: postgres://…/<name>
    cluster.scalar(url, "SELECT count(*) FROM tokens")

The cluster lives under a temporary directory (initdb/pg_ctl from Debian's postgresql-15 in
/usr/lib/postgresql/15/bin, or $RIVULET_PG_BIN), listens on a free loopback port only, trusts
local connections as the superuser `rivulet`, and runs without fsync (tests, not durability).
PostgreSQL refuses to run as root; as root the cluster runs as the `postgres` system user
(via runuser), which owns the temporary directory.

As a program it is a test peer (see test/support/peer_process.h): it prints
"listening on <port>" once the server accepts connections and, with --watch-stdin, stops the
cluster and removes its directory when stdin reaches EOF, i.e. when the test process ends.
"""

import argparse
import atexit
import itertools
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

PG_BIN = os.environ.get("RIVULET_PG_BIN") or "/usr/lib/postgresql/15/bin"
SUPERUSER = "rivulet"
# Production-like durability, for benchmarks: a commit is on disk when acknowledged.
DURABLE = {"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on",
           "shared_buffers": "256MB", "max_wal_size": "4GB", "checkpoint_timeout": "15min"}


def available():
    """None when a cluster can be started here, else the reason it cannot."""
    for tool in ("initdb", "pg_ctl", "postgres", "psql"):
        if not os.access(os.path.join(PG_BIN, tool), os.X_OK):
            return "PostgreSQL 15 is not installed (%s missing; scripts/install-deps)" % tool
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no 'postgres' user to run the server as"
        if not shutil.which("runuser"):
            return "running as root and runuser is missing"
    return None


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sweep_stale(base, min_age=600):
    """Removes cluster directories left by test processes that died before cleaning up: older
    than min_age seconds and with no running server (no postmaster.pid)."""
    now = time.time()
    for name in os.listdir(base):
        path = os.path.join(base, name)
        if not name.startswith("rivulet-pg-") or name.startswith("rivulet-pg-template-"):
            continue
        try:
            if now - os.stat(path).st_mtime < min_age:
                continue
            if os.path.exists(os.path.join(path, "data", "postmaster.pid")):
                continue
        except OSError:
            continue
        shutil.rmtree(path, ignore_errors=True)


class PostgresCluster:
    _shared = None
    _names = itertools.count(1)

    def __init__(self, base=None):
        sweep_stale(base or "/tmp")
        self.dir = tempfile.mkdtemp(prefix="rivulet-pg-", dir=base or "/tmp")
        self.data = os.path.join(self.dir, "data")
        self.log = os.path.join(self.dir, "server.log")
        self.port = None
        self._as_user = []
        if os.geteuid() == 0:
            pw = pwd.getpwnam("postgres")
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
            self._as_user = ["runuser", "-u", "postgres", "--"]
        os.chmod(self.dir, 0o700)

    @classmethod
    def shared(cls):
        if cls._shared is None:
            why = available()
            if why:
                raise RuntimeError(why)
            cluster = cls()
            cluster.start()
            atexit.register(cluster.stop)
            cls._shared = cluster
        return cls._shared

    def _run(self, args, **kw):
        return subprocess.run(self._as_user + args, check=True, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, **kw)

    def _initdb(self):
        """initdb once per machine and user into a cached template (a few seconds), then a
        copy per cluster (a fraction of a second): every test process starts its own."""
        template = "/tmp/rivulet-pg-template-%d-%s" % (os.geteuid(), os.path.basename(
            os.path.dirname(PG_BIN.rstrip("/"))))
        if not os.path.isdir(os.path.join(template, "data")):
            building = tempfile.mkdtemp(prefix="rivulet-pg-template-", dir="/tmp")
            if self._as_user:
                pw = pwd.getpwnam("postgres")
                os.chown(building, pw.pw_uid, pw.pw_gid)
            self._run([os.path.join(PG_BIN, "initdb"), "-D", os.path.join(building, "data"),
                       "-U", SUPERUSER, "-A", "trust", "-E", "UTF8", "--no-sync",
                       "--no-instructions"])
            try:
                os.rename(building, template)  # atomic: concurrent builders, one wins
            except OSError:
                shutil.rmtree(building, ignore_errors=True)
        self._run(["cp", "-a", os.path.join(template, "data"), self.data])

    def start(self, extra_settings=None):
        self._initdb()
        self._settings = {
            "listen_addresses": "127.0.0.1",
            "unix_socket_directories": self.dir,
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "max_connections": "300",
            "shared_buffers": "128MB",
        }
        self._settings.update(extra_settings or {})
        for attempt in range(5):
            self.port = free_port()
            try:
                self._pg_ctl_start()
                return self
            except subprocess.CalledProcessError:
                if attempt == 4:
                    raise RuntimeError("PostgreSQL did not start:\n" + self.server_log())
        return self

    def _pg_ctl_start(self):
        opts = "-p %d " % self.port + " ".join("-c %s=%s" % kv for kv in self._settings.items())
        self._run([os.path.join(PG_BIN, "pg_ctl"), "-D", self.data, "-l", self.log,
                   "-w", "-t", "60", "-o", opts, "start"])

    def stop_server(self):
        """Stops the server (fast mode: sessions are terminated, committed data kept), keeping
        its data and port for start_server(): a database restart, as its clients see it."""
        self._run([os.path.join(PG_BIN, "pg_ctl"), "-D", self.data, "-m", "fast", "-w", "stop"])

    def start_server(self):
        """Starts the server stopped by stop_server() again, on the same port."""
        self._pg_ctl_start()

    def halt(self, mode="immediate"):
        """Stops the server but keeps its data and port, as a database crash (mode
        "immediate") or a restart ("fast") looks to clients; resume() starts it again."""
        self._run([os.path.join(PG_BIN, "pg_ctl"), "-D", self.data, "-m", mode, "-w", "stop"])

    def resume(self):
        """Starts a halted server again on the same port with the same settings."""
        self._pg_ctl_start()

    def server_log(self):
        try:
            with open(self.log) as f:
                return f.read()[-4000:]
        except OSError:
            return ""

    def stop(self):
        if self.port is not None:
            subprocess.run(self._as_user + [os.path.join(PG_BIN, "pg_ctl"), "-D", self.data,
                                            "-m", "immediate", "-w", "stop"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.port = None
        # Server processes may still be writing for a moment after pg_ctl returns.
        for _ in range(50):
            shutil.rmtree(self.dir, ignore_errors=True)
            if not os.path.exists(self.dir):
                break
            time.sleep(0.1)

    def url(self, database="postgres"):
        return "postgres://%s@127.0.0.1:%d/%s" % (SUPERUSER, self.port, database)

    def psql(self, sql, database="postgres"):
        """Runs sql; returns psql's unaligned, tuples-only output."""
        out = subprocess.run([os.path.join(PG_BIN, "psql"), "-X", "-q", "-A", "-t",
                              "-v", "ON_ERROR_STOP=1", "-d", self.url(database), "-c", sql],
                             check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        return out.stdout.strip()

    def create_database(self, prefix="t"):
        name = "%s_%d_%d" % (prefix, os.getpid(), next(self._names))
        self.psql("CREATE DATABASE %s" % name)
        return self.url(name)

    def scalar(self, url, sql):
        database = url.rsplit("/", 1)[1].split("?")[0]
        return self.psql(sql, database)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--watch-stdin", action="store_true",
                        help="stop and clean up when stdin reaches EOF")
    parser.add_argument("--durable", action="store_true",
                        help="keep fsync and synchronous_commit on (for benchmarks)")
    args = parser.parse_args()
    why = available()
    if why:
        print("unavailable: " + why, flush=True)
        return 2
    cluster = PostgresCluster()

    cleaning = []

    def on_term(*_):
        if not cleaning:  # a SIGTERM during the clean-up must not cut it short
            raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    try:
        cluster.start(DURABLE if args.durable else None)
        print("listening on %d" % cluster.port, flush=True)
        if args.watch_stdin:
            while sys.stdin.buffer.read(4096):
                pass
        else:
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        cleaning.append(True)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
