#!/usr/bin/python3
"""An SMTP server for tests: accepts mail on 127.0.0.1 and saves it to a directory.

Each accepted message becomes <dir>/<n>.eml (the DATA bytes as received, dot-stuffing
removed, CRLF kept) and then <dir>/<n>.json (written atomically, so a reader that sees the
.json sees a complete .eml):
  {"n": n, "session": <connection number, from 1>, "mail_from": ..., "rcpt_tos": [...],
   "helo": ..., "auth_user": ... or null, "size": <bytes>}

Behaviour by recipient local part: reject-4xx@... gets 451 at RCPT TO, reject-5xx@... gets
550; everything else 250. --fail-first N answers 451 to the first N MAIL FROM commands; --mail-replies 451,550 answers
the first MAIL FROM commands with those codes in turn (then 250).
--auth user:pass offers AUTH PLAIN/LOGIN over plain TCP and requires it before MAIL.
When a connection ends, an empty <dir>/session-<connection number>.closed appears;
--idle-timeout S closes connections idle for S seconds (default 300).

Prints "SMTP listening on PORT" (flushed) once it accepts connections. Exits on SIGTERM or
SIGINT, and with --watch-stdin also when stdin reaches EOF (its parent died). Run with
Debian's /usr/bin/python3 (python3-aiosmtpd).
"""

import argparse
import asyncio
import itertools
import json
import logging
import os
import signal
import threading

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Sink:
    def __init__(self, directory, fail_first, mail_replies=()):
        self.directory = directory
        self.fail_first = fail_first
        self.mail_replies = list(mail_replies)
        self.mail_commands = 0
        self.messages = itertools.count(1)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        self.mail_commands += 1
        if self.mail_commands <= self.fail_first:
            return "451 4.3.0 Temporary failure, try again later"
        if self.mail_commands <= len(self.mail_replies):
            code = self.mail_replies[self.mail_commands - 1]
            if code.startswith("4"):
                return "%s 4.3.0 Temporary failure (scripted), try again later" % code
            return "%s 5.7.1 Rejected (scripted)" % code
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0].lower()
        if local == "reject-4xx":
            return "451 4.2.0 Mailbox temporarily unavailable"
        if local == "reject-5xx":
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        n = next(self.messages)
        content = envelope.original_content or b""
        with open(os.path.join(self.directory, f"{n}.eml"), "wb") as f:
            f.write(content)
        auth_user = None
        if isinstance(session.auth_data, LoginPassword):
            auth_user = session.auth_data.login.decode("utf-8", "replace")
        meta = {
            "n": n,
            "session": session.rivulet_session,
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "helo": session.host_name,
            "auth_user": auth_user,
            "size": len(content),
        }
        tmp = os.path.join(self.directory, f".{n}.json.tmp")
        with open(tmp, "w") as f:
            json.dump(meta, f)
        os.rename(tmp, os.path.join(self.directory, f"{n}.json"))
        return "250 2.0.0 OK queued as %d" % n


class CountingSMTP(SMTP):
    sessions = itertools.count(1)

    def _create_session(self):
        session = super()._create_session()
        session.rivulet_session = next(CountingSMTP.sessions)
        return session

    def connection_lost(self, error):
        super().connection_lost(error)
        marker = f"session-{self.session.rivulet_session}.closed"
        open(os.path.join(self.event_handler.directory, marker), "w").close()


def make_authenticator(user, password):
    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login == user.encode()
              and auth_data.password == password.encode())
        # handled=False: aiosmtpd then answers 535 itself.
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)
    return authenticate


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--dir", required=True, help="where to save messages")
    parser.add_argument("--fail-first", type=int, default=0, metavar="N")
    parser.add_argument("--mail-replies", default="", metavar="CODE,CODE",
                        help="answer the first MAIL FROM commands with these codes")
    parser.add_argument("--auth", metavar="USER:PASS")
    parser.add_argument("--idle-timeout", type=float, default=300, metavar="SECONDS",
                        help="close connections idle this long")
    parser.add_argument("--watch-stdin", action="store_true",
                        help="exit when stdin reaches EOF")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)

    os.makedirs(args.dir, exist_ok=True)
    replies = [c.strip() for c in args.mail_replies.split(",") if c.strip()]
    for c in replies:
        if not (len(c) == 3 and c.isdigit() and c[0] in "45"):
            parser.error("--mail-replies takes 4xx or 5xx codes")
    handler = Sink(args.dir, args.fail_first, replies)
    kwargs = {"hostname": "sink.test", "auth_require_tls": False, "timeout": args.idle_timeout}
    if args.auth:
        user, _, password = args.auth.partition(":")
        kwargs.update(authenticator=make_authenticator(user, password), auth_required=True)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(loop.create_server(
        lambda: CountingSMTP(handler, loop=loop, **kwargs), "127.0.0.1", args.port))
    port = server.sockets[0].getsockname()[1]
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, loop.stop)
    if args.watch_stdin:
        def watch():
            while os.read(0, 4096):  # the raw fd: no buffer lock held at exit
                pass
            loop.call_soon_threadsafe(loop.stop)
        threading.Thread(target=watch, daemon=True).start()
    print(f"SMTP listening on {port}", flush=True)
    try:
        loop.run_forever()
    finally:
        server.close()
        # End the sessions still open, so that none is destroyed while pending.
        tasks = asyncio.all_tasks(loop)
        for task in tasks:
            task.cancel()
        loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
        loop.run_until_complete(server.wait_closed())
        loop.close()


if __name__ == "__main__":
    main()
