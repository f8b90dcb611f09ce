"""Load generator for bench/contactflow-batch (standard library only).

Creates a node-level automation (one NO_ACTION step), runs it, then sends the customers as
batch packets from --sources threads, one source each: FIRST, MIDDLE…, LAST. Packet bodies
are built before the clock starts. A packet's 201 comes after it is stored durably; its
customers are expanded into the automation in the background. After the last 201 the
generator polls every source until it is ENABLED with nothing pending. Writes accepted=,
elapsed= (until the last 201), enrolled=, enrolled_elapsed= (until every source is
ENABLED) and build= to --out.
"""

import argparse
import http.client
import json
import threading
import time
import urllib.parse
import uuid


def request(conn, method, path, token, node=None, body=None):
    headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
    if node:
        headers["Node"] = node
    data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
    conn.request(method, path, body=data, headers=headers)
    r = conn.getresponse()
    payload = r.read()
    if r.status >= 300:
        raise SystemExit("%s %s -> %d %s" % (method, path, r.status, payload[:300]))
    return json.loads(payload) if payload else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--client-id", required=True)
    ap.add_argument("--client-secret", required=True)
    ap.add_argument("--total", type=int, default=1000000)
    ap.add_argument("--packet", type=int, default=10000)
    ap.add_argument("--sources", type=int, default=4)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()

    conn = http.client.HTTPConnection("127.0.0.1", a.port, timeout=600)
    form = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": a.client_id,
                                   "client_secret": a.client_secret})
    conn.request("POST", "/oauth/token", body=form,
                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    token = json.loads(conn.getresponse().read())["access_token"]
    node = request(conn, "POST", "/contactflow/nodes", token, body={"name": "bench"})["uuid"]
    step = str(uuid.uuid4())
    auto = request(conn, "POST", "/contactflow/automations", token, node, {
        "name": "bench", "steps": [{"uuid": step, "operation": "NO_ACTION"}]})
    path = "/contactflow/automations/" + auto["uuid"]
    for status in ("COMMITTED", "RUNNING"):
        request(conn, "PATCH", path, token, node, {"status": status})

    started = time.monotonic()
    per_source = a.total // a.sources
    plans = []
    n = 0
    for s in range(a.sources):
        source = str(uuid.uuid4())
        packets = []
        count = per_source if s < a.sources - 1 else a.total - per_source * (a.sources - 1)
        sizes = [a.packet] * (count // a.packet) + ([count % a.packet] if count % a.packet else [])
        for i, size in enumerate(sizes):
            kind = "FIRST" if i == 0 else ("LAST" if i == len(sizes) - 1 else "MIDDLE")
            customers = [{"userPk": "c%08d" % (n + j)} for j in range(size)]
            n += size
            packets.append(json.dumps({"packet": kind, "sourceUuid": source,
                                       "customers": customers}).encode())
        if len(sizes) == 1:  # a one-packet source still needs its LAST
            packets.append(json.dumps({"packet": "LAST", "sourceUuid": source,
                                       "customers": []}).encode())
        plans.append(packets)
    build = time.monotonic() - started

    accepted = [0] * a.sources
    sources = [json.loads(p[0])["sourceUuid"] for p in plans]

    def run(i):
        c = http.client.HTTPConnection("127.0.0.1", a.port, timeout=600)
        for body in plans[i]:
            r = request(c, "POST", path + "/customers/batch", token, node, body)
            accepted[i] = r["received"]

    threads = [threading.Thread(target=run, args=(i,)) for i in range(a.sources)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - t0
    enrolled = 0
    for source in sources:
        while True:
            b = request(conn, "GET", path + "/customers/batch?sourceUuid=" + source, token, node)
            if b["status"] == "ENABLED" and b["pending"] == 0:
                enrolled += b["customers"]
                break
            time.sleep(0.02)
    enrolled_elapsed = time.monotonic() - t0
    with open(a.out, "w") as f:
        f.write("accepted=%d\nelapsed=%.3f\nenrolled=%d\nenrolled_elapsed=%.3f\nbuild=%.3f\n" % (
            sum(accepted), elapsed, enrolled, enrolled_elapsed, build))


if __name__ == "__main__":
    main()
