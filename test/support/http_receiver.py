#!/usr/bin/python3
"""An HTTP/1.1 receiver for tests: records every request and answers by path.

Listens on 127.0.0.1 (port 0 picks a free one), prints "HTTP listening on PORT" (flushed),
and appends one JSON line per request to --log, written and flushed before the answer:
  {"n": <request number>, "connection": <connection number>, "received_at": <Unix seconds
   when its headers had been read>, "method": ..., "path": ...,
   "headers": [[name, value], ...], "body": <text> | "body_base64": <base64>}

Answers:
  /status/<code>   that status, body {"status":<code>}
  /slow/<ms>       sleeps <ms> then 200
  /big/<bytes>     200 with that many bytes of 'x'
  /redirect        302 to /ok
  /drop            closes the connection without answering
  /flaky/<n>/<what>/...  the first n requests to this exact path answer <what> (a status
                   code, "drop", or "slow<ms>"), later ones 200
  anything else    200 {"ok":true}

Exits on SIGTERM or SIGINT, and with --watch-stdin also when stdin reaches EOF (its parent
died). Keep-alive connections are served by daemon threads and do not delay exit.
"""

import argparse
import base64
import http.server
import itertools
import json
import os
import signal
import threading
import time


class Recorder:
    def __init__(self, path):
        self.lock = threading.Lock()
        self.file = open(path, "a", encoding="utf-8")
        self.requests = itertools.count(1)
        self.connections = itertools.count(1)

    def record(self, entry):
        with self.lock:
            entry["n"] = next(self.requests)
            self.file.write(json.dumps(entry) + "\n")
            self.file.flush()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    recorder = None  # set in main
    flaky_lock = threading.Lock()
    flaky_counts = {}

    def setup(self):
        super().setup()
        self.connection_number = next(self.recorder.connections)

    def log_message(self, format, *args):
        pass

    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def answer(self, status, body=b"", headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        if body:
            self.send_header("Content-Type", "application/json")
        self.end_headers()
        if body and self.command != "HEAD":
            self.wfile.write(body)

    def handle_any(self):
        received_at = time.time()
        body = self.read_body()
        entry = {"connection": self.connection_number, "received_at": received_at,
                 "method": self.command,
                 "path": self.path, "headers": [[k, v] for k, v in self.headers.items()]}
        try:
            entry["body"] = body.decode("utf-8")
        except UnicodeDecodeError:
            entry["body_base64"] = base64.b64encode(body).decode("ascii")
        self.recorder.record(entry)

        parts = self.path.split("?")[0].strip("/").split("/")
        if parts[0] == "flaky" and len(parts) >= 3:
            with self.flaky_lock:
                seen = self.flaky_counts.get(self.path, 0)
                self.flaky_counts[self.path] = seen + 1
            what = parts[2]
            if seen >= int(parts[1]):
                parts = ["ok"]
            elif what == "drop":
                parts = ["drop"]
            elif what.startswith("slow"):
                parts = ["slow", what[4:]]
            else:
                parts = ["status", what]
        try:
            if parts[0] == "status" and len(parts) == 2:
                code = int(parts[1])
                self.answer(code, json.dumps({"status": code}).encode())
            elif parts[0] == "slow" and len(parts) == 2:
                time.sleep(int(parts[1]) / 1000.0)
                self.answer(200, b'{"ok":true}')
            elif parts[0] == "big" and len(parts) == 2:
                self.send_big(int(parts[1]))
            elif parts[0] == "redirect":
                self.answer(302, b"", [("Location", "/ok")])
            elif parts[0] == "drop":
                self.close_connection = True
                self.connection.shutdown(2)
            else:
                self.answer(200, b'{"ok":true}')
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def send_big(self, size):
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(size))
        self.end_headers()
        block = b"x" * 65536
        while size > 0:
            n = min(size, len(block))
            self.wfile.write(block[:n])
            size -= n

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = handle_any


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    # socketserver's default listen backlog is 5: a burst of webhooks overflowed it, and each
    # dropped connection attempt waited a second or more for its SYN to be sent again.
    request_queue_size = 128

    def handle_error(self, request, client_address):
        pass  # clients that abort (timeouts, truncated reads) are expected here


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--log", required=True, help="JSON-lines file of received requests")
    parser.add_argument("--watch-stdin", action="store_true",
                        help="exit when stdin reaches EOF")
    args = parser.parse_args()

    Handler.recorder = Recorder(args.log)
    server = Server(("127.0.0.1", args.port), Handler)

    # Signals are taken synchronously by the main thread (every thread inherits the mask),
    # so a stop request can never land between setting up and serving.
    stop_signals = {signal.SIGTERM, signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop_signals)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                     daemon=True).start()
    if args.watch_stdin:
        def watch():
            while os.read(0, 4096):  # the raw fd: no buffer lock held at exit
                pass
            os.kill(os.getpid(), signal.SIGTERM)
        threading.Thread(target=watch, daemon=True).start()
    print(f"HTTP listening on {server.server_address[1]}", flush=True)
    signal.sigwait(stop_signals)
    server.shutdown()
    server.server_close()

if __name__ == "__main__":
    main()
