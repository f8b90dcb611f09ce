"""Crash consistency (issue #8.1) on SQLite and PostgreSQL: SIGKILL the server at random moments while an
automation with e-mail, webhook, wait and A/B steps runs over N tokens against a real SMTP
server and HTTP receiver, restart it each time, and check at the end that

  * every token finished (the automation's counters and the tokens table agree);
  * every step counter equals what the peers received (distinct Message-ID /
    Idempotency-Key per contact and step);
  * no message was lost; a repeat (a message whose send was not recorded before a kill) carries
    the same Message-ID / Idempotency-Key and the same content; repeats are counted and printed;
  * each contact followed exactly one A/B branch, however often the process died.

The final state (tokens by status, unsent outbox rows, and on SQLite `PRAGMA integrity_check`)
is read from the database after the server stopped: the SQLite file, or with
RIVULET_TEST_BACKEND=postgres the throw-away cluster's database through psql.

Short form (make test): N=300, 3 kills. Long form (make soak): RIVULET_SOAK=1, N=20,000,
20 kills; RIVULET_CRASH_TOKENS / RIVULET_CRASH_KILLS / RIVULET_CRASH_SEED /
RIVULET_CRASH_HORIZON (seconds over which the kills are spread) override.

Run: cd test/integration && RIVULET_BIN=.../build/debug/rivulet \
         /usr/bin/python3 -m unittest -v test_crash_consistency
"""

import json
import os
import random
import sqlite3
import sys
import threading
import time
import unittest
from collections import Counter, defaultdict

from rivulet_harness import BACKEND
from test_engine_e2e import E2EBase, body_json, header, poll_until

SOAK = os.environ.get("RIVULET_SOAK") == "1"
TOKENS = int(os.environ.get("RIVULET_CRASH_TOKENS", "20000" if SOAK else "300"))
KILLS = int(os.environ.get("RIVULET_CRASH_KILLS", "20" if SOAK else "3"))
SEED = int(os.environ.get("RIVULET_CRASH_SEED", str(int(time.time()))))
LEASE_SECONDS = 15   # a message claimed by a killed process is resent after this
BATCH = 500          # events per ingestion request


class CrashConsistencyTest(E2EBase):
    SERVER_ARGS = E2EBase.SERVER_ARGS + ["--delivery-lease-seconds", str(LEASE_SECONDS),
                                         "--log-level", "warn"]

    def api(self, srv):
        """A client for the server's current port (it changes on every start)."""
        return srv.client("api_key", timeout=30)

    def call(self, srv, lock, fn):
        """Runs fn(api) until it gets an answer, across kills and restarts."""
        deadline = time.monotonic() + 120
        while True:
            with lock:
                running = srv.running and srv.port is not None
                api = self.api(srv) if running else None
            if api is not None:
                try:
                    return fn(api)
                except (OSError, ConnectionError) as e:
                    err = e
                finally:
                    api.close()
            if time.monotonic() > deadline:
                raise AssertionError("no answer from the server for 120 s: %r" % (err,))
            time.sleep(0.05)

    def test_random_kills_lose_nothing_and_repeat_only_with_the_same_ids(self):
        rng = random.Random(SEED)
        print("\n  crash: seed %d, %d tokens, %d kills" % (SEED, TOKENS, KILLS), file=sys.stderr)
        smtp = self.sink()
        recv = self.receiver()
        srv = self.engine_server()
        api = srv.client("api_key")
        sender = self.configure(api, smtp=smtp)
        mail1 = self.step("CLAB_CAMPAIGN", {"sender_uuid": sender,
                                            "subject": "Hello {{contact.email}}",
                                            "text": "n={{event.data.n}}"}, "mail1")
        hook1 = self.step("WEBHOOK", {"url": recv.url("/hooks/one")}, "hook1")
        wait = self.step("WAIT", {"delay_seconds": 1}, "wait")
        ab = self.step("AB_TEST", {"variants": [{"name": "A", "weight": 50},
                                                {"name": "B", "weight": 50}]}, "ab")
        mail2 = self.step("CLAB_CAMPAIGN", {"sender_uuid": sender,
                                            "subject": "Variant A for {{contact.email}}",
                                            "text": "a"}, "mail2")
        hook2 = self.step("WEBHOOK", {"url": recv.url("/hooks/b")}, "hook2")
        automation = self.running_automation(
            api, "crash", [mail1, hook1, wait, ab, mail2, hook2],
            [self.conn(mail1, hook1), self.conn(hook1, wait), self.conn(wait, ab),
             self.conn(ab, mail2, "variant:A"), self.conn(ab, hook2, "variant:B")],
            triggers=["crash_go"])
        api.close()
        addrs = ["c%05d@crash.example" % i for i in range(TOKENS)]

        # The killer: KILLS SIGKILLs at random moments while events are ingested and messages
        # flow, each followed by a restart on the same database.
        lock = threading.Lock()
        started = time.monotonic()
        # Spread the kills over the expected run (about 20 ms a token in the debug build; the
        # long form, on a release build, is faster). RIVULET_CRASH_HORIZON sets the span (s).
        per_token = 0.01 if SOAK else 0.02
        horizon = float(os.environ.get("RIVULET_CRASH_HORIZON", max(4.0, TOKENS * per_token)))
        moments = sorted(rng.uniform(0.2, horizon) for _ in range(KILLS))
        kill_log = []
        errors = []

        def killer():
            try:
                for at in moments:
                    delay = at - (time.monotonic() - started)
                    if delay > 0:
                        time.sleep(delay)
                    with lock:
                        srv.kill()
                        kill_log.append(time.monotonic() - started)
                        srv.start()
            except BaseException as e:  # noqa: BLE001 - reported by the main thread
                errors.append(e)

        k = threading.Thread(target=killer, daemon=True)
        k.start()

        # Events in batches; a batch whose answer was lost in a kill is sent again, and the
        # idempotency keys make the repeat harmless.
        resent = 0
        for b in range(0, TOKENS, BATCH):
            events = [{"type": "crash_go", "contact": {"email": a}, "data": {"n": b + i},
                       "idempotency_key": "go-%s" % a}
                      for i, a in enumerate(addrs[b:b + BATCH])]
            attempts = [0]

            def send(api):
                attempts[0] += 1
                r = api.post("/v1/events", json={"events": events})
                if r.status not in (200, 201):
                    raise ConnectionError("ingestion answered %r" % (r,))
                return r
            self.call(srv, lock, send)
            resent += attempts[0] - 1
        k.join()
        if errors:
            raise errors[0]
        self.assertEqual(len(kill_log), KILLS)

        def stats(api):
            r = api.get("/v1/automations/%s/statistics" % automation)
            if r.status != 200:
                raise ConnectionError(repr(r))
            return r.json

        def finished():
            s = self.call(srv, lock, stats)
            return s if self.counter(s, None, "completed") + self.counter(s, None, "errors") >= TOKENS else None
        s = poll_until(finished, max(120, TOKENS * 0.05) + 2 * LEASE_SECONDS,
                       "every token finished", interval=0.5)
        # Let the peers' last messages land (their logs are written before they answer).
        mails = smtp.messages()
        hooks = recv.requests("/hooks/")
        done_at = time.monotonic() - started

        # What the peers saw, by (contact, step).
        mail_ids = defaultdict(Counter)     # (addr, "mail1"|"mail2") -> Counter(Message-ID)
        mail_subjects = defaultdict(set)
        for m in mails:
            step = "mail2" if (m.subject or "").startswith("Variant A") else "mail1"
            mail_ids[(m.to, step)][m.message_id] += 1
            mail_subjects[(m.to, step)].add(m.subject)
        hook_keys = defaultdict(Counter)    # (addr, "hook1"|"hook2") -> Counter(key)
        hook_bodies = defaultdict(set)
        for e in hooks:
            step = "hook1" if e["path"].startswith("/hooks/one") else "hook2"
            addr = body_json(e)["contact"]["email"]
            hook_keys[(addr, step)][header(e, "Idempotency-Key")] += 1
            hook_bodies[(addr, step)].add(e["body"])

        problems = []
        repeats = Counter()
        for key, ids in list(mail_ids.items()) + list(hook_keys.items()):
            if len(ids) != 1:
                problems.append("%s %s: %d different ids %s" % (key[0], key[1], len(ids), dict(ids)))
            repeats[key[1]] += sum(ids.values()) - 1
        for key, subjects in mail_subjects.items():
            if len(subjects) != 1:
                problems.append("%s %s: different subjects %s" % (key[0], key[1], subjects))
        for key, bodies in hook_bodies.items():
            if len(bodies) != 1:
                problems.append("%s %s: different bodies" % key)
        for a in addrs:
            for step in ("mail1", "hook1"):
                src = mail_ids if step.startswith("mail") else hook_keys
                if (a, step) not in src:
                    problems.append("%s: no %s" % (a, step))
            branches = [(a, "mail2") in mail_ids, (a, "hook2") in hook_keys]
            if sum(branches) != 1:
                problems.append("%s: %d A/B branches received" % (a, sum(branches)))
        self.assertEqual(problems[:20], [], "%d problems" % len(problems))

        # Counters: one per token and message, however many times the peers saw it.
        distinct = Counter(k[1] for k in list(mail_ids) + list(hook_keys))
        expect = [(None, "entered", TOKENS), (None, "completed", TOKENS), (None, "errors", 0),
                  (mail1, "sent", distinct["mail1"]), (mail1, "delivered", distinct["mail1"]),
                  (hook1, "sent", distinct["hook1"]), (wait, "completed", TOKENS),
                  (ab, "entered", TOKENS), (mail2, "sent", distinct["mail2"]),
                  (hook2, "sent", distinct["hook2"]), (mail1, "sent", TOKENS),
                  (hook1, "sent", TOKENS)]
        s = self.call(srv, lock, stats)
        wrong = ["%s.%s = %s, expected %s" % (st["name"] if st else "automation", name,
                                              self.counter(s, st, name), value)
                 for st, name, value in expect if self.counter(s, st, name) != value]
        self.assertEqual(wrong, [], json.dumps(s, indent=1))
        self.assertEqual(distinct["mail2"] + distinct["hook2"], TOKENS)
        srv.stop()

        by_status, pending, integrity = final_state(srv.database)
        self.assertEqual(by_status, {"COMPLETED": TOKENS}, by_status)
        self.assertEqual(pending, 0)
        self.assertEqual(integrity, "ok")

        sent = sum(distinct.values())
        received = len(mails) + len(hooks)
        print("  crash: %d kills survived at %s s; %d tokens finished in %.1f s; messages "
              "sent %d, received %d, repeated %d (%s), all with the same ids; %d event "
              "batches resent"
              % (len(kill_log), ", ".join("%.1f" % t for t in kill_log), TOKENS, done_at, sent,
                 received, received - sent, dict(repeats), resent), file=sys.stderr)


FINAL_TOKENS = "SELECT status, count(*) FROM tokens GROUP BY status"
FINAL_PENDING = "SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')"


def final_state(database):
    """({token status: count}, unsent outbox rows, integrity) of a stopped server's database:
    a SQLite file (integrity from PRAGMA integrity_check) or a PostgreSQL URL (psql; the
    server's own checks stand for integrity there)."""
    if BACKEND == "postgres" or database.startswith("postgres"):
        from pg_cluster import PostgresCluster
        pg = PostgresCluster.shared()
        rows = [line.split("|") for line in pg.scalar(database, FINAL_TOKENS).splitlines() if line]
        by_status = {status: int(n) for status, n in rows}
        return by_status, int(pg.scalar(database, FINAL_PENDING) or 0), "ok"
    db = sqlite3.connect("file:%s?mode=ro" % database, uri=True)
    try:
        by_status = dict(db.execute(FINAL_TOKENS))
        pending = db.execute(FINAL_PENDING).fetchone()[0]
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        db.close()
    return by_status, pending, integrity


if __name__ == "__main__":
    unittest.main()
