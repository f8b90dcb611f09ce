"""Dependency faults (issue #8.2, short form): the SMTP server down and back, SMTP answering 4xx
then 5xx, a webhook receiver that is slower than the timeout, answers 500, drops connections
or returns 10 MB, the SQLite file unable to grow (an injected write failure: RLIMIT_FSIZE, the
way a full disk fails writes), and, with RIVULET_TEST_BACKEND=postgres, PostgreSQL stopped
and started again mid-run (its own cluster, so the port stays the same).

Expected: retries with backoff, a clear error on the token's message, /readyz and /metrics
showing the fault while it lasts, recovery without intervention, nothing lost or sent twice
with different ids, and `PRAGMA integrity_check` = ok afterwards.

Run: cd test/integration && RIVULET_BIN=.../build/debug/rivulet \
         /usr/bin/python3 -m unittest -v test_dependency_faults
"""

import json
import re
import resource
import signal
import socket
import sqlite3
import sys
import time
import unittest
from collections import Counter

from rivulet_harness import BACKEND
from test_engine_e2e import E2EBase, SmtpSink, header, poll_until


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def metric(text, name):
    m = re.search(r"^%s (\d+)" % re.escape(name), text, re.MULTILINE)
    return int(m.group(1)) if m else None


class FaultBase(E2EBase):
    FAULTS = []  # (fault, how it ended) for the printed summary

    def readyz(self, srv):
        r = srv.client(None).get("/readyz")
        self.assertEqual(r.status, 200, r)  # delivery faults leave the instance ready
        return r.json

    def metrics(self, srv):
        return srv.client(None).get("/metrics").body

    def integrity(self, srv):
        if BACKEND == "postgres":
            return "ok"  # no file to check; PostgreSQL keeps its own consistency
        db = sqlite3.connect("file:%s?mode=ro" % srv.database, uri=True)
        try:
            return db.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            db.close()

    def mail_automation(self, api, sender, name):
        mail = self.step("CLAB_CAMPAIGN", {"sender_uuid": sender, "subject": name + " {{contact.email}}",
                                           "text": "t"})
        return self.running_automation(api, name, [mail], []), mail


class SmtpFaultTest(FaultBase):

    def test_smtp_down_then_back(self):
        port = free_port()
        srv = self.engine_server()
        api = srv.client("api_key")
        self.ok(api.post("/v1/settings", json={
            "type": "SMTP", "value": {"url": "smtp://127.0.0.1:%d" % port, "tls": "none"}}), 201)
        sender = self.ok(api.post("/v1/senders", json={
            "name": "n", "from_name": "N", "from_address": "n@shop.example"}), 201)["sender"]["uuid"]
        a, mail = self.mail_automation(api, sender, "down")
        tokens = [self.enroll(api, a, {"email": "d%d@fault.example" % i}) for i in range(5)]

        # While it is down: retryable errors on the messages, /readyz and metrics say so.
        def failing():
            t = self.token(api, tokens[0]["uuid"])
            return t if t["messages"] and t["messages"][0]["last_error"] else None
        t = poll_until(failing, 20, "a failed attempt recorded on the token")
        self.assertEqual(t["status"], "ACTIVE", t)
        self.assertIn(t["messages"][0]["status"], ("pending", "sending"), t)
        self.assertRegex(t["messages"][0]["last_error"], r"(?i)connect", t)
        ready = self.readyz(srv)
        self.assertEqual(ready["delivery"]["status"], "failing", ready)
        self.assertGreaterEqual(ready["delivery"]["consecutive_failures"], 1, ready)
        self.assertIn("email", ready["delivery"]["last_error"], ready)
        m = self.metrics(srv)
        self.assertGreaterEqual(metric(m, "rivulet_delivery_retries_total"), 1, m)
        self.assertGreaterEqual(metric(m, "rivulet_delivery_consecutive_failures"), 1, m)
        down_for = time.time()

        # Back: every message is delivered once, with no intervention.
        sink = self.start_peer(SmtpSink("--port", str(port)))
        for tok in tokens:
            t = self.wait_token(api, tok["uuid"], {"COMPLETED", "ERROR"}, 40)
            self.assertEqual(t["status"], "COMPLETED", t)
            self.assertGreaterEqual(t["messages"][0]["attempts"], 2, t)
        got = sink.messages()
        self.assertEqual(sorted(m.to for m in got), sorted("d%d@fault.example" % i for i in range(5)))
        ready = self.readyz(srv)
        self.assertEqual(ready["delivery"]["status"], "ok", ready)
        s = self.stats(api, a)
        self.assertEqual((self.counter(s, mail, "sent"), self.counter(s, None, "completed")), (5, 5), s)
        srv.stop()
        self.assertEqual(self.integrity(srv), "ok")
        print("\n  faults: SMTP down → %d messages retried, all delivered %.1f s after it came back"
              % (len(tokens), time.time() - down_for), file=sys.stderr)

    def test_smtp_4xx_then_5xx_ends_in_a_clear_error_then_recovers(self):
        sink = self.sink("--mail-replies", "451,550")
        srv = self.engine_server()
        api = srv.client("api_key")
        sender = self.configure(api, smtp=sink, signing=False)
        a, mail = self.mail_automation(api, sender, "4xx5xx")
        tok = self.enroll(api, a, {"email": "first@fault.example"})
        t = self.wait_token(api, tok["uuid"], {"COMPLETED", "ERROR"}, 30)
        self.assertEqual(t["status"], "ERROR", t)
        self.assertIn("550", t["error_message"] or "", t)
        self.assertEqual([(m["status"], m["attempts"]) for m in t["messages"]], [("failed", 2)], t)
        self.assertEqual(sink.messages(), [])
        # The server keeps going: the next message is delivered.
        tok2 = self.enroll(api, a, {"email": "second@fault.example"})
        t = self.wait_token(api, tok2["uuid"], {"COMPLETED", "ERROR"}, 30)
        self.assertEqual(t["status"], "COMPLETED", t)
        self.assertEqual([m.to for m in sink.messages()], ["second@fault.example"])
        s = self.stats(api, a)
        self.assertEqual((self.counter(s, mail, "failed"), self.counter(s, mail, "sent")), (1, 1), s)
        srv.stop()
        self.assertEqual(self.integrity(srv), "ok")


class WebhookFaultTest(FaultBase):
    SERVER_ARGS = E2EBase.SERVER_ARGS + ["--webhook-timeout-seconds", "1"]

    def test_slow_500_dropping_and_huge_receivers(self):
        recv = self.receiver()
        srv = self.engine_server()
        api = srv.client("api_key")
        cases = {
            "slow": ("/flaky/1/slow3000/slow", 2),   # beyond the 1 s timeout once
            "500s": ("/flaky/2/500/err", 3),
            "drop": ("/flaky/1/drop/drop", 2),
            "10MB": ("/big/10485760", 1),            # answered 200 with 10 MB: body cut
        }
        tokens = {}
        began = time.time()
        for name, (path, _) in cases.items():
            hook = self.step("WEBHOOK", {"url": recv.url(path)})
            a = self.running_automation(api, "hook " + name, [hook], [])
            tokens[name] = self.enroll(api, a, {"email": "%s@fault.example" % name.lower()})

        # While the faults last, /readyz reports the failing deliveries.
        def failing():
            d = self.readyz(srv)["delivery"]
            return d if d["consecutive_failures"] >= 1 else None
        d = poll_until(failing, 20, "/readyz reporting a failing delivery", interval=0.05)
        self.assertIn("webhook", d["last_error"], d)

        results = {}
        retries = 0
        for name, (path, attempts) in cases.items():
            t = self.wait_token(api, tokens[name]["uuid"], {"COMPLETED", "ERROR"}, 60)
            self.assertEqual(t["status"], "COMPLETED", (name, t))
            if name == "drop":
                # libcurl resends a request on its own when a reused connection turns out to
                # be closed, so the dropped attempt may be retried inside one delivery attempt.
                self.assertIn(t["messages"][0]["attempts"], (1, 2), (name, t))
            else:
                self.assertEqual(t["messages"][0]["attempts"], attempts, (name, t))
            seen = recv.requests(path)
            keys = {header(e, "Idempotency-Key") for e in seen}
            self.assertEqual(len(keys), 1, (name, keys))
            self.assertGreaterEqual(len(seen), attempts, (name, seen))
            results[name] = len(seen)
            retries += t["messages"][0]["attempts"] - 1
        self.assertGreaterEqual(retries, 3)  # slow once, 500 twice (+ drop, unless curl resent)
        m = self.metrics(srv)
        self.assertGreaterEqual(metric(m, "rivulet_delivery_retries_total"), retries, m)
        self.assertEqual(self.readyz(srv)["delivery"]["status"], "ok")
        self.assertTrue(srv.healthy())
        srv.stop()
        self.assertEqual(self.integrity(srv), "ok")
        print("\n  faults: webhooks slow/500/drop/10MB all delivered in %.1f s; receiver saw %s"
              % (time.time() - began, results), file=sys.stderr)


@unittest.skipIf(BACKEND == "postgres", "the SQLite file's disk")
class DiskFullTest(FaultBase):
    """The database cannot grow (RLIMIT_FSIZE makes write() fail with EFBIG, the way a full
    disk fails it with ENOSPC)."""

    LIMIT = 3 * 1024 * 1024

    def test_writes_fail_cleanly_and_nothing_acknowledged_is_lost(self):
        srv = self.start_server(name="disk-full", start=False)
        srv.start()
        srv.stop()
        limit = self.LIMIT

        def cap():
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of a kill
            # The soft limit; the hard one stays unlimited so the test can lift it again.
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))
        srv.preexec_fn = cap
        srv.start()
        api = srv.client("api_key")
        payload = "x" * 60_000
        acknowledged, failures = [], Counter()
        for i in range(200):
            r = api.post("/v1/events", json={"type": "fill", "contact": {"email": "f@x.example"},
                                             "data": {"i": i, "pad": payload},
                                             "idempotency_key": "fill-%d" % i})
            if r.status in (200, 201):
                acknowledged.append(i)
            else:
                self.assertIn(r.status, (500, 503, 507), r)
                self.assertIn("error", r.json, r)
                failures[(r.status, r.json["error"]["message"][:80])] += 1
            if sum(failures.values()) >= 5:
                break
        self.assertTrue(failures, "the database never filled up")
        self.assertTrue(srv.running, "the server died on a failed write")
        self.assertTrue(srv.healthy())
        m = self.metrics(srv)
        self.assertGreaterEqual(metric(m, "rivulet_db_failed_commits_total") or 0, 1, m)
        self.assertGreaterEqual(self.readyz(srv)["failed_commits"], 1)
        # Reads still work while writes fail.
        self.assertEqual(api.get("/v1/contacts").status, 200)

        # Space again (the limit is lifted on the running process): writes succeed without a
        # restart, and every acknowledged event is there.
        resource.prlimit(srv.pid, resource.RLIMIT_FSIZE,
                         (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
        freed = time.monotonic()

        def writes_again():
            r = api.post("/v1/events", json={"type": "fill", "contact": {"email": "f@x.example"},
                                             "data": {"i": 10_000, "pad": payload}})
            return r if r.status == 201 else None
        poll_until(writes_again, 20, "a write accepted after the disk has space", interval=0.2)
        recovered_in = time.monotonic() - freed
        self.assertEqual(self.readyz(srv)["status"], "ready")
        stored = self.stored_fill_events(api)
        self.assertTrue(set(acknowledged) <= stored, sorted(set(acknowledged) - stored))
        srv.stop()
        srv.preexec_fn = None
        srv.start()
        api = srv.client("api_key")
        self.assertTrue(set(acknowledged) <= self.stored_fill_events(api))
        r = api.post("/v1/events", json={"type": "after", "contact": {"email": "f@x.example"}})
        self.assertEqual(r.status, 201, r)
        srv.stop()
        self.assertEqual(self.integrity(srv), "ok")
        print("\n  faults: disk full after %d events; %d writes refused (%s); writes accepted "
              "again %.1f s after space came back, no restart; all acknowledged events present"
              % (len(acknowledged), sum(failures.values()), dict(failures), recovered_in),
              file=sys.stderr)

    def stored_fill_events(self, api):
        stored, cursor = set(), None
        while True:
            q = {"type": "fill", "limit": 100}
            if cursor:
                q["cursor"] = cursor
            r = api.get("/v1/events", query=q)
            self.assertEqual(r.status, 200, r)
            stored.update(e["data"]["i"] for e in r.json["data"])
            cursor = r.json.get("next_cursor")
            if not cursor:
                return stored


@unittest.skipUnless(BACKEND == "postgres", "runs with RIVULET_TEST_BACKEND=postgres")
class PostgresRestartTest(FaultBase):
    """PostgreSQL stops (an immediate shutdown: connections cut, no checkpoint) while e-mails
    and webhooks flow and events arrive, and comes back on the same port a few seconds later.
    Expected: API calls fail cleanly meanwhile (5xx, nothing half-done), /readyz says the
    database is unavailable, and afterwards every acknowledged token finishes with each
    message delivered once per id, without a restart of Rivulet."""

    TOKENS = 40
    DOWN_SECONDS = 3

    def test_postgres_restarted_mid_run_loses_nothing(self):
        from pg_cluster import PostgresCluster
        # The server is killed (immediate shutdown), so it keeps exactly what its WAL holds:
        # commits are acknowledged only once their WAL is written, as in production. The test
        # clusters' synchronous_commit=off would lose the last acknowledged commits here (a
        # token's step undone after its e-mail went out, then sent again under a new id).
        # fsync stays off: the operating system does not crash.
        cluster = PostgresCluster().start({"synchronous_commit": "on"})
        self.addCleanup(cluster.stop)
        sink = self.sink()
        recv = self.receiver()
        srv = self.start_server(name="pg-restart", database=cluster.create_database("restart"),
                                args=self.SERVER_ARGS)
        api = srv.client("api_key", timeout=15)
        sender = self.configure(api, smtp=sink, signing=False)
        mail = self.step("CLAB_CAMPAIGN", {"sender_uuid": sender,
                                           "subject": "Hi {{contact.email}}", "text": "t"})
        wait = self.step("WAIT", {"delay_seconds": 1})
        hook = self.step("WEBHOOK", {"url": recv.url("/hooks/pg")})
        a = self.running_automation(api, "pg restart", [mail, wait, hook],
                                    [self.conn(mail, wait), self.conn(wait, hook)],
                                    triggers=["pg_go"])

        def send(i):
            r = api.post("/v1/events", json={"type": "pg_go",
                                             "contact": {"email": "p%03d@pg.example" % i},
                                             "idempotency_key": "pg-%d" % i})
            return r.status

        acknowledged, refused = [], Counter()
        for i in range(self.TOKENS // 2):
            self.assertIn(send(i), (200, 201))
            acknowledged.append(i)
        # Down while the first half is in flight.
        cluster.halt("immediate")
        down_at = time.monotonic()

        def not_ready():
            r = srv.client(None).get("/readyz")
            return r if r.status == 503 else None
        r = poll_until(not_ready, 20, "/readyz reporting the database", interval=0.2)
        self.assertNotEqual(r.json["database"], "ok", r)
        for i in range(self.TOKENS // 2, self.TOKENS // 2 + 5):
            try:
                status = send(i)
            except OSError as e:  # a time-out is a failure to report, not a crash of the test
                self.fail("no answer with the database down: %r" % (e,))
            if status in (200, 201):
                acknowledged.append(i)  # (a write that got through before the cut)
            else:
                self.assertGreaterEqual(status, 500)
                refused[status] += 1
        self.assertTrue(refused, "every write succeeded with the database down")
        self.assertTrue(srv.running, "the server died with its database")
        time.sleep(max(0.0, self.DOWN_SECONDS - (time.monotonic() - down_at)))
        cluster.resume()
        back_at = time.monotonic()

        # Back: no intervention; the refused events are sent again (idempotent) with the rest.
        def ready():
            r = srv.client(None).get("/readyz")
            return r if r.status == 200 else None
        poll_until(ready, 60, "/readyz ready again", interval=0.2)
        recovered_in = time.monotonic() - back_at
        for i in range(self.TOKENS // 2, self.TOKENS):
            self.assertIn(send(i), (200, 201))
        addrs = ["p%03d@pg.example" % i for i in range(self.TOKENS)]

        def finished():
            s = self.stats(api, a)
            done = self.counter(s, None, "completed") + self.counter(s, None, "errors")
            return s if done >= self.TOKENS else None
        s = poll_until(finished, 90, "every token finished", interval=0.5)
        self.assertEqual((self.counter(s, None, "entered"), self.counter(s, None, "completed"),
                          self.counter(s, None, "errors")), (self.TOKENS, self.TOKENS, 0), s)
        mails = Counter((m.to, m.message_id) for m in sink.messages())
        hooks = Counter((json.loads(e["body"])["contact"]["email"], header(e, "Idempotency-Key"))
                        for e in recv.requests("/hooks/pg"))
        for seen, what in ((mails, "mail"), (hooks, "webhook")):
            by_addr = Counter(addr for addr, _ in seen)
            self.assertEqual(sorted(by_addr), addrs, what)  # one id per contact, none missing
            twice = sorted(addr for addr, n in by_addr.items() if n > 1)
            if twice:  # show the rows behind the extra ids before failing
                rows = cluster.scalar(srv.database, (
                    "SELECT string_agg(concat_ws(' ', c.email, t.uuid, t.status, o.uuid, "
                    "o.idempotency_key, o.status, o.attempts, o.created_at), E'\\n') "
                    "FROM outbox o JOIN tokens t ON t.id = o.token_id "
                    "JOIN contacts c ON c.id = o.contact_id WHERE c.email IN (%s)")
                    % ", ".join("'%s'" % a for a in twice))
                self.fail("%s: contacts with more than one id: %s\n%s" % (what, twice, rows))
        self.assertEqual((self.counter(s, mail, "sent"), self.counter(s, hook, "sent")),
                         (self.TOKENS, self.TOKENS), s)
        repeats = sum(mails.values()) + sum(hooks.values()) - 2 * self.TOKENS
        pending = cluster.scalar(srv.database, "SELECT count(*) FROM outbox WHERE status IN "
                                 "('pending', 'sending')")
        self.assertEqual(int(pending), 0)
        srv.stop()
        self.FAULTS.append(("PostgreSQL restart", "recovered"))
        print("\n  faults: PostgreSQL down %.1f s mid-run; %d writes refused (%s); ready again "
              "%.1f s after it came back, no restart; %d tokens finished, %d messages, %d "
              "repeated with the same ids" % (back_at - down_at, sum(refused.values()),
                                              dict(refused), recovered_in, self.TOKENS,
                                              2 * self.TOKENS, repeats), file=sys.stderr)


if __name__ == "__main__":
    unittest.main()
