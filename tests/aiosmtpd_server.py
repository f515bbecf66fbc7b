"""A second SMTP implementation for the connection tests: aiosmtpd (PyPI) on loopback.

Started by crates/core/tests/support/servers.rs with the test CA's certificate:

    tests/.venv/bin/python tests/aiosmtpd_server.py HOST SUBMISSION_PORT SMTPS_PORT CERT KEY USER PASSWORD

- SUBMISSION_PORT: plain start, STARTTLS offered, AUTH PLAIN/LOGIN only after STARTTLS
  (aiosmtpd answers AUTH before TLS with 538 5.7.11 and hides AUTH in EHLO).
- SMTPS_PORT: implicit TLS, AUTH PLAIN/LOGIN.
USER/PASSWORD is the one login that succeeds; anything else gets aiosmtpd's
535 5.7.8 Authentication credentials invalid. Mail is accepted and dropped.
Prints one line "ready" when both listen; runs until SIGTERM (the test support stops its
process group when the tests end).
"""

import logging
import signal
import ssl
import sys
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def main() -> None:
    host, submission, smtps, cert, key, user, password = sys.argv[1:8]
    # The implicit-TLS port requires AUTH "without TLS" in aiosmtpd's terms: its warning
    # does not apply there.
    warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")
    logging.getLogger("mail.log").setLevel(logging.ERROR)

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == user
            and auth_data.password.decode() == password
        )
        # handled=False: aiosmtpd answers a refusal itself (535 5.7.8).
        return AuthResult(success=ok, handled=False)

    class Drop:
        async def handle_DATA(self, server, session, envelope):
            return "250 2.0.0 OK: dropped by the test server"

    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    common = dict(
        hostname=host,
        server_hostname="aiosmtpd.mbtest.localhost",
        authenticator=authenticator,
        auth_required=True,
        ready_timeout=10,
    )
    starttls = Controller(
        Drop(),
        port=int(submission),
        tls_context=ctx,
        require_starttls=False,
        auth_require_tls=True,
        **common,
    )
    implicit = Controller(
        Drop(),
        port=int(smtps),
        ssl_context=ctx,
        auth_require_tls=False,
        **common,
    )
    starttls.start()
    implicit.start()
    print("ready", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        while True:
            signal.pause()
    finally:
        starttls.stop()
        implicit.stop()


if __name__ == "__main__":
    main()
