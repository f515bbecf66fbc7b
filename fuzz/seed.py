#!/usr/bin/env python3
"""Writes the seed inputs of every fuzz target into fuzz/corpus/<target>/seed-*.

The wire seeds are the answers of the real servers the tests start (Dovecot, Postfix,
aiosmtpd) and of the unit tests' scripts; a session input is one option byte (see
crates/core/src/probe/fuzz.rs) and then the server's bytes. Certificates come from the
openssl CLI, as in the test setup; exports from crates/core/tests/data.
Run from the repository root: python3 fuzz/seed.py (then `cargo fuzz cmin` keeps the useful).
"""
import os, pathlib, subprocess, tempfile, shutil

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"

def put(target, name, data):
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    (d / f"seed-{name}").write_bytes(data)

def crlf(text):
    return "".join(l + "\r\n" for l in text.strip("\n").split("\n"))

# Option byte: bits 0-2 login (0 password, 1 PLAIN, 2 LOGIN, 3 CRAM-MD5, 4 OAuth2, 5 none),
# bit 3 connection encrypted, bit 4 STARTTLS, bits 5-7 read size.
TLS = 8
STARTTLS = 16
def opt(auth=0, tls=True, starttls=False, chunk=0):
    return bytes([auth | (TLS if tls else 0) | (STARTTLS if starttls else 0) | (chunk << 5)])

DOVECOT_CAPS = "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS AUTH=PLAIN AUTH=LOGIN AUTH=CRAM-MD5 AUTH=XOAUTH2 AUTH=OAUTHBEARER"
AFTER = "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT SORT=DISPLAY THREAD=REFERENCES MULTIAPPEND URL-PARTIAL CATENATE UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH ESORT SEARCHRES WITHIN CONTEXT=SEARCH LIST-STATUS BINARY MOVE SNIPPET=FUZZY PREVIEW=FUZZY LITERAL+ NOTIFY SPECIAL-USE"

imap_ok = crlf(f"""
* OK [CAPABILITY {DOVECOT_CAPS}] Dovecot (Debian) ready.
a1 OK [CAPABILITY {AFTER}] Logged in
* LIST (\\HasNoChildren) "." INBOX
* LIST (\\HasNoChildren \\Trash) "." Papierkorb
* LIST (\\HasNoChildren \\Sent) "." "Gesendete Elemente"
* LIST (\\HasNoChildren \\Junk) "." Spam
* LIST (\\HasChildren) "." Archiv
* LIST (\\HasNoChildren) "." Archiv.2024
* LIST (\\Noselect \\HasChildren) "." Entw&APw-rfe
a2 OK List completed (0.001 + 0.000 secs).
* LIST (\\Subscribed) "." INBOX
* LIST (\\Subscribed) "." Papierkorb
a3 OK List completed (0.001 + 0.000 secs).
* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)
* OK [PERMANENTFLAGS ()] Read-only mailbox.
* 3 EXISTS
* 0 RECENT
* OK [UIDVALIDITY 1700000000] UIDs valid
* OK [UIDNEXT 4] Predicted next UID
a4 OK [READ-ONLY] Examine completed (0.001 + 0.000 secs).
* BYE Logging out
a5 OK Logout completed (0.001 + 0.000 secs).
""")
put("imap", "dovecot-plain", opt(0) + imap_ok.encode())
put("imap", "dovecot-plain-bytewise", opt(0, chunk=1) + imap_ok.encode())
put("imap", "dovecot-bad-login", opt(1) + crlf(f"""
* OK [CAPABILITY {DOVECOT_CAPS}] Dovecot (Debian) ready.
a1 NO [AUTHENTICATIONFAILED] Authentication failed.
""").encode())
put("imap", "login-command", opt(2) + crlf("""
* OK IMAP4rev1 Service Ready
* CAPABILITY IMAP4rev1 LITERAL+ IDLE
a1 OK done
a2 OK Logged in
* CAPABILITY IMAP4rev1 UIDPLUS
a3 OK done
* LIST () "/" {12}
""").encode() + b"Gel&APY-scht\r\n" + crlf("""
* LIST (\\Marked) "/" INBOX
a4 OK LIST done
a5 NO LSUB not here
a6 NO [NONEXISTENT] Mailbox doesn't exist: Archiv/2024
a7 OK bye
""").encode())
put("imap", "extended-list", opt(0) + crlf(f"""
* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN LIST-EXTENDED SPECIAL-USE] ready
a1 OK [CAPABILITY IMAP4rev1 LIST-EXTENDED SPECIAL-USE] Logged in
* LIST (\\HasNoChildren \\Sent) "/" "Sent Items"
* LIST (\\HasNoChildren \\Drafts) "/" Drafts
* LIST (\\NonExistent \\Archive) "/" "Archiv/2024"
a2 OK done
* LIST (\\Subscribed) "/" "Sent Items"
a3 OK done
a4 BAD [CLIENTBUG] Invalid mailbox name
a5 OK bye
""").encode())
put("imap", "cram-md5", opt(3) + crlf("""
* OK [CAPABILITY IMAP4rev1 AUTH=CRAM-MD5] ready
+ PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+
a1 OK [CAPABILITY IMAP4rev1] done
a2 OK done
""").encode())
put("imap", "xoauth2-error", opt(4) + crlf("""
* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=XOAUTH2 AUTH=OAUTHBEARER] ready
+ eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIiwic2NvcGUiOiJodHRwczovL21haWwuZ29vZ2xlLmNvbS8ifQ==
a1 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)
""").encode())
put("imap", "preauth", opt(0, tls=False) + crlf("""
* PREAUTH [CAPABILITY IMAP4rev1 SPECIAL-USE LIST-EXTENDED] ready
a1 OK done
a2 OK done
a3 OK done
a4 OK bye
""").encode())
put("imap", "starttls", opt(0, tls=False, starttls=True) + crlf("""
* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready
a1 OK Begin TLS negotiation now.
* CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR
a2 OK done
a3 NO [PRIVACYREQUIRED] Plaintext authentication disallowed
""").encode())
put("imap", "logindisabled", opt(2, tls=False) + crlf("""
* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready
""").encode())
put("imap", "bye", opt(0) + crlf("* BYE Too many connections from your IP").encode())
put("imap", "pop3-on-imap", opt(0) + crlf("+OK Dovecot ready.").encode())
put("imap", "literal-bomb", opt(0) + crlf("""
* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR] ready
a1 OK Logged in
* CAPABILITY IMAP4rev1
a2 OK done
* LIST () "/" {4000000000}
""").encode())
put("imap", "foreign-tag", opt(0) + crlf("""
* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR] ready
b7 OK NOOP done
""").encode())

pop3_ok = crlf("""
+OK Dovecot (Debian) ready.
+OK
CAPA
TOP
UIDL
RESP-CODES
PIPELINING
AUTH-RESP-CODE
STLS
USER
SASL PLAIN LOGIN CRAM-MD5 XOAUTH2 OAUTHBEARER
.
+OK Logged in.
+OK 3 1234
+OK Logging out.
""")
put("pop3", "dovecot-plain", opt(1) + pop3_ok.encode())
put("pop3", "dovecot-bytewise", opt(1, chunk=2) + pop3_ok.encode())
put("pop3", "user-pass", opt(0) + crlf("""
+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>
+OK
USER
.
+OK
-ERR [AUTH] Authentication failed.
""").encode())
put("pop3", "user-pass-ok", opt(2) + crlf("""
+OK ready
-ERR unknown command
+OK send PASS
+OK Logged in.
+OK 0 0
+OK bye
""").encode())
put("pop3", "cram", opt(3) + crlf("""
+OK ready
+OK
SASL CRAM-MD5
..dot-stuffed
.
+ PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+
-ERR [AUTH] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.
""").encode())
put("pop3", "xoauth2", opt(4) + crlf("""
+OK ready
+OK
SASL XOAUTH2
.
+ eyJzdGF0dXMiOiI0MDAiLCJzY2hlbWVzIjoiQmVhcmVyIiwic2NvcGUiOiJodHRwczovL21haWwuZ29vZ2xlLmNvbS8ifQ==
-ERR [AUTH] Invalid credentials
""").encode())
put("pop3", "stls", opt(1, tls=False, starttls=True) + crlf("""
+OK ready
+OK
STLS
.
+OK Begin TLS negotiation
+OK
SASL PLAIN
.
+OK Logged in.
-ERR no STAT today
""").encode())
put("pop3", "imap-on-pop3", opt(0) + crlf("* OK [CAPABILITY IMAP4rev1] ready").encode())
put("pop3", "err-greeting", opt(0) + crlf("-ERR [SYS/TEMP] too busy").encode())

smtp_ok = crlf("""
220 mail.example.test ESMTP Postfix (Debian/GNU)
250-mail.example.test
250-PIPELINING
250-SIZE 10240000
250-VRFY
250-ETRN
250-STARTTLS
250-AUTH PLAIN LOGIN CRAM-MD5 XOAUTH2 OAUTHBEARER
250-AUTH=PLAIN LOGIN
250-ENHANCEDSTATUSCODES
250-8BITMIME
250-DSN
250-SMTPUTF8
250 CHUNKING
235 2.7.0 Authentication successful
250 2.1.0 Ok
250 2.0.0 Ok
250 2.1.0 Ok
250 2.1.5 Ok
354 End data with <CR><LF>.<CR><LF>
250 2.0.0 Ok: queued as 4F1C82A0B1
221 2.0.0 Bye
""")
put("smtp", "postfix-plain", opt(1) + smtp_ok.encode())
put("smtp", "postfix-bytewise", opt(1, chunk=3) + smtp_ok.encode())
put("smtp", "postfix-login", opt(2) + crlf("""
220-mail.example.test ESMTP
220 second line
250-mail.example.test
250 AUTH LOGIN
334 VXNlcm5hbWU6
334 UGFzc3dvcmQ6
535 5.7.8 Error: authentication failed: authentication failure
""").encode())
put("smtp", "relay-denied", opt(5) + crlf("""
220 mail.example.test ESMTP
250-mail.example.test
250 8BITMIME
250 2.1.0 Ok
250 2.0.0 Ok
250 2.1.0 Ok
554 5.7.1 <bob@example.test>: Relay access denied
250 2.0.0 Ok
221 Bye
""").encode())
put("smtp", "cram", opt(3) + crlf("""
220 aiosmtpd ready
250-localhost
250 AUTH CRAM-MD5
334 PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+
235 2.7.0 Authentication successful
553 5.7.1 <alice@example.test>: Sender address rejected: not owned by user
""").encode())
put("smtp", "xoauth2", opt(4) + crlf("""
220 smtp.example.test ESMTP
250-smtp.example.test
250 AUTH LOGIN PLAIN XOAUTH2 OAUTHBEARER
334 eyJzdGF0dXMiOiI0MDAiLCJzY2hlbWVzIjoiQmVhcmVyIiwic2NvcGUiOiJodHRwczovL21haWwuZ29vZ2xlLmNvbS8ifQ==
535 5.7.8 Username and Password not accepted.
""").encode())
put("smtp", "helo-fallback", opt(5) + crlf("""
220 old.example.test SMTP
502 5.5.2 Error: command not recognized
250 old.example.test
250 Ok
250 Ok
250 Ok
250 Ok
451 4.3.0 Try again later
221 Bye
""").encode())
put("smtp", "starttls", opt(1, tls=False, starttls=True) + crlf("""
220 mail.example.test ESMTP
250-mail.example.test
250 STARTTLS
220 2.0.0 Ready to start TLS
250-mail.example.test
250 AUTH PLAIN
535 5.7.8 Error
""").encode())
put("smtp", "busy", opt(0) + crlf("""
554-mail.example.test
554 5.3.2 Service unavailable; too busy
""").encode())
put("smtp", "ftp", opt(0) + crlf("220 ProFTPD Server (FTP) ready").encode())

for name, s in [("ascii", "INBOX"), ("umlaut", "Gel&APY-schte Elemente"), ("entwuerfe", "Entw&APw-rfe"),
                ("amp", "A&-B"), ("cjk", "&ZeVnLIqe-"), ("broken", "&Jjo!"), ("unterminated", "a&AGE"),
                ("odd", "&AAA-"), ("surrogate", "&2D3eAA-"), ("utf8", "Gelöschte"), ("nested", "&-&-&U,BTFw-")]:
    put("mutf7", name, s)

for name, s in [
    ("pass", "S:Geheim2024x\nC:PASS Geheim2024x\n+OK\nGeheim2024x echoed"),
    ("login", "S:Passw0rdXy\nC:a1 LOGIN \"alice\" \"Passw0rdXy\"\na1 OK Passw0rdXy"),
    ("auth", "C:AUTH PLAIN AGFsaWNlAFNlY3JldDEyMw==\n535 AGFsaWNlAFNlY3JldDEyMw== rejected"),
    ("authenticate", "C:a1 AUTHENTICATE XOAUTH2 dXNlcj1hbGljZQFhdXRoPUJlYXJlciB0b2sBAQ==\n+ dXNlcj1hbGljZQFhdXRoPUJlYXJlciB0b2sBAQ=="),
    ("short", "S:Ab1\nAb1 said Ab1x and (Ab1)"),
    ("base64", "S:TopSecretPw\nVG9wU2VjcmV0UHc= is base64"),
    ("quoted", "S:Ab\"c\\dEF\n\"Ab\\\"c\\\\dEF\""),
    ("long", "S:CanaryBoundary123456\n" + "x" * 990 + "CanaryBoundary123456 end"),
    ("overlap", "S:ABCDEFGH\nS:EFGHIJKL\nABCDEFGHIJKL"),
    ("unicode", "S:Pässwört9Z\nlogin Pässwört9Z ok"),
]:
    put("transcript", name, s)

for name, s in [("host", "mail.example.com"), ("hostport", "mail.example.com:993"), ("v6", "[::1]:143"),
                ("v6bare", "2001:db8::1"), ("idn", "mail.müller.de"), ("punycode", "xn--mller-kva.de"),
                ("email", "anna@example.com"), ("email-idn", "jürgen@bücher.example"), ("email-ip", "a@[127.0.0.1]"),
                ("fp", "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89"),
                ("fp-plain", "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789"),
                ("wild", "*.co.uk"), ("wild-ok", "*.example.com"), ("url", "https://login.microsoftonline.com/common/oauth2/v2.0/token"),
                ("url-local", "http://127.0.0.1:8080/token"), ("control", "mail\r\nexample"), ("dots", "a..b"),
                ("long", "a" * 70 + ".example")]:
    put("validators", name, s)

for name, s in [
    ("basic", "login,display_name,email\nanna,Anna Beispiel,anna@example.com\nben,Ben,ben@example.com\n"),
    ("german", "Benutzername;Anzeigename;E-Mail-Adresse\r\njürgen;Jürgen Müller;juergen@example.de\r\n"),
    ("bom", "\ufefflogin,name,mail\nanna,Anna,anna@example.com\n"),
    ("quoted", 'login,display_name,email\n"anna","Beispiel, Anna","anna@example.com"\n"ben","Ben ""B""\nZeile 2",ben@example.com\n'),
    ("bad", "login,email\n,x@\nanna,not-an-address\nanna,dup@example.com\nanna,dup@example.com\n"),
    ("noheader", "foo,bar\n1,2\n"),
    ("blank", "\n\nuser\n\n  \nanna\n"),
    ("ragged", "login,display_name,email,extra\nanna\nben,Ben,ben@example.com,1,2,3\n"),
]:
    put("csv_import", name, s)

for p in sorted((ROOT / "crates/core/tests/data").glob("export-*.json")):
    put("export_import", p.stem, p.read_bytes())

# Certificates by the openssl CLI, as in the tests' setup.
with tempfile.TemporaryDirectory() as d:
    def ossl(*args):
        subprocess.run(["openssl", *args], cwd=d, check=True, capture_output=True)
    ossl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
         "-keyout", "key.pem", "-out", "cert.pem", "-days", "30", "-subj", "/CN=Anna Beispiel/emailAddress=anna@example.com",
         "-addext", "subjectAltName=email:anna@example.com,DNS:mail.example.com")
    ossl("req", "-x509", "-newkey", "rsa:1024", "-nodes", "-keyout", "rsa.pem", "-out", "rsacert.pem", "-days", "400",
         "-subj", "/C=DE/O=Beispiel GmbH/CN=mail.beispiel.de")
    ossl("x509", "-in", "cert.pem", "-outform", "DER", "-out", "cert.der")
    ossl("pkcs8", "-topk8", "-in", "key.pem", "-out", "enc.pem", "-passout", "pass:geheim")
    ossl("ec", "-in", "key.pem", "-out", "eckey.pem")
    r = lambda f: (pathlib.Path(d) / f).read_bytes()
    put("certificate", "pem", b"\x00" + r("cert.pem"))
    put("certificate", "pem-key", r("cert.pem") + r("key.pem"))
    put("certificate", "pem-enc-key", b"\x01" + r("cert.pem") + r("enc.pem"))
    put("certificate", "pem-ec-key", r("rsacert.pem") + r("eckey.pem"))
    put("certificate", "chain", b"  " + r("cert.pem") + r("rsacert.pem") + r("rsa.pem"))
    put("certificate", "der", r("cert.der"))
    put("certificate", "pem-only-key", r("key.pem"))
    put("certificate", "pem-garbage", b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    put("certificate", "pem-unknown", b"-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n" + r("cert.pem"))
    put("certificate", "rsa-der", subprocess.run(["openssl", "x509", "-in", "rsacert.pem", "-outform", "DER"], cwd=d, check=True, capture_output=True).stdout)
