//! Protocol transcripts: every line the client sent and the server answered, as the UI shows
//! it. Secrets never get in: callers hand over a redacted form, and every line is scrubbed
//! again for credential commands and for the known secret values before it is stored.

use serde::{Deserialize, Serialize};
use std::sync::{Arc, Mutex};
use ts_rs::TS;

/// Who said it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Dir {
    Client,
    Server,
    /// A note of the probe itself (TLS established, literal skipped, …).
    Info,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TranscriptLine {
    pub dir: Dir,
    pub text: String,
}

/// The placeholder for anything secret.
pub const REDACTED: &str = "<redacted>";

/// A line longer than this is cut in the transcript (a hostile server may send megabytes).
const MAX_SHOWN: usize = 1000;
/// Lines kept per step; the rest is counted.
const MAX_LINES: usize = 2000;

#[derive(Default)]
struct Inner {
    lines: Vec<TranscriptLine>,
    dropped: usize,
    secrets: Vec<String>,
    /// Secrets of one to three characters: scrubbed only as whole words, or every line
    /// would be mangled.
    short: Vec<String>,
}

/// A shared transcript buffer: connections write to it, the runner drains it per step.
#[derive(Clone, Default)]
pub(crate) struct Transcript {
    inner: Arc<Mutex<Inner>>,
}

impl Transcript {
    /// `secrets` are values that must never appear, whatever a caller forgets.
    pub fn new(secrets: Vec<String>) -> Transcript {
        let t = Transcript::default();
        for s in secrets {
            t.add_secret(&s);
        }
        t
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds a secret and its usual encodings (base64, IMAP-quoted) to the scrub list.
    pub fn add_secret(&self, secret: &str) {
        if secret.is_empty() {
            return;
        }
        if secret.chars().count() < 4 {
            let mut inner = self.lock();
            if !inner.short.iter().any(|s| s == secret) {
                inner.short.push(secret.to_string());
            }
            return;
        }
        use base64::Engine;
        let b64 = base64::engine::general_purpose::STANDARD.encode(secret.as_bytes());
        let quoted = secret.replace('\\', "\\\\").replace('"', "\\\"");
        let mut inner = self.lock();
        for s in [secret.to_string(), b64, quoted] {
            if !inner.secrets.contains(&s) {
                inner.secrets.push(s);
            }
        }
    }

    pub fn client(&self, text: &str) {
        let shown = redact_client_line(text);
        self.remember_hidden(text, &shown);
        self.push(Dir::Client, &shown);
    }

    /// What a client line hid from the transcript (a SASL response in base64, a password)
    /// is scrubbed from every later line too: a server that echoes it must not store it.
    pub fn remember_hidden(&self, sent: &str, shown: &str) {
        let kept: Vec<&str> = shown.split(' ').map(|w| w.trim_matches('"')).collect();
        let mut inner = self.lock();
        for word in sent.split(' ').map(|w| w.trim_matches('"')) {
            if word.chars().count() >= 4
                && !kept.contains(&word)
                && !inner.secrets.iter().any(|s| s == word)
            {
                inner.secrets.push(word.to_string());
            }
        }
    }

    pub fn server(&self, text: &str) {
        self.push(Dir::Server, text);
    }

    pub fn info(&self, text: &str) {
        self.push(Dir::Info, text);
    }

    fn push(&self, dir: Dir, text: &str) {
        let mut inner = self.lock();
        // Scrub the whole line first: shortened first, a secret cut at the end would
        // survive in part.
        let text = shorten(&scrubbed(&inner, text));
        if inner.lines.len() >= MAX_LINES {
            inner.dropped += 1;
            return;
        }
        inner.lines.push(TranscriptLine { dir, text });
    }

    /// Everything written since the last call.
    pub fn take(&self) -> Vec<TranscriptLine> {
        let mut inner = self.lock();
        let mut lines = std::mem::take(&mut inner.lines);
        if inner.dropped > 0 {
            lines.push(TranscriptLine {
                dir: Dir::Info,
                text: format!("… {} more lines not shown", inner.dropped),
            });
            inner.dropped = 0;
        }
        lines
    }

    /// The last line the server sent in the current step, for timeout evidence.
    pub fn last(&self, dir: Dir) -> Option<String> {
        self.lock()
            .lines
            .iter()
            .rev()
            .find(|l| l.dir == dir)
            .map(|l| l.text.clone())
    }

    /// Scrubs `text` of every known secret (for evidence built outside the transcript).
    pub fn scrub(&self, text: &str) -> String {
        scrubbed(&self.lock(), text)
    }
}

/// `text` with every known secret replaced; short ones only where they stand as a word.
fn scrubbed(inner: &Inner, text: &str) -> String {
    let mut text = text.to_string();
    for s in &inner.secrets {
        if text.contains(s.as_str()) {
            text = text.replace(s.as_str(), REDACTED);
        }
    }
    for s in &inner.short {
        text = replace_word(&text, s);
    }
    text
}

/// Replaces `word` where neither neighbour is a letter or digit.
fn replace_word(text: &str, word: &str) -> String {
    let is_word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(word) {
        let before = rest[..i].chars().next_back().or(out.chars().next_back());
        let after = rest[i + word.len()..].chars().next();
        out.push_str(&rest[..i]);
        if is_word(before) || is_word(after) {
            out.push_str(word);
        } else {
            out.push_str(REDACTED);
        }
        rest = &rest[i + word.len()..];
    }
    out.push_str(rest);
    out
}

fn shorten(text: &str) -> String {
    if text.len() <= MAX_SHOWN {
        return text.to_string();
    }
    let mut cut = MAX_SHOWN;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}… ({} bytes)", &text[..cut], text.len())
}

/// Replaces the credentials in a client command line: `LOGIN user pass`, `PASS pass`,
/// `AUTH(ENTICATE) MECH initial-response`. Any other line is returned unchanged.
pub fn redact_client_line(line: &str) -> String {
    let words: Vec<&str> = line.split(' ').collect();
    let upper = |i: usize| words.get(i).map(|w| w.to_ascii_uppercase());
    // POP3 `PASS secret`.
    if upper(0).as_deref() == Some("PASS") && words.len() > 1 {
        return format!("{} {REDACTED}", words[0]);
    }
    // IMAP `tag LOGIN user pass`: keep the user, drop everything after it.
    if upper(1).as_deref() == Some("LOGIN") && words.len() > 3 {
        let (user, _) = imap_first_string(&line[words[0].len() + words[1].len() + 2..]);
        return format!("{} {} {user} {REDACTED}", words[0], words[1]);
    }
    // SMTP/POP3 `AUTH MECH [ir]`, IMAP `tag AUTHENTICATE MECH [ir]`.
    for i in [0usize, 1] {
        if matches!(upper(i).as_deref(), Some("AUTH") | Some("AUTHENTICATE")) && words.len() > i + 2
        {
            return format!("{} {REDACTED}", words[..=i + 1].join(" "));
        }
    }
    line.to_string()
}

/// The first IMAP astring of `s` (atom or quoted string) as written, and the rest.
fn imap_first_string(s: &str) -> (&str, &str) {
    let b = s.as_bytes();
    if b.first() == Some(&b'"') {
        let mut i = 1;
        while i < b.len() {
            match b[i] {
                b'\\' => i += 2,
                b'"' => return (&s[..=i], &s[i + 1..]),
                _ => i += 1,
            }
        }
        return (s, "");
    }
    match s.find(' ') {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_at_the_cut_of_a_long_line_leaves_no_part() {
        let t = Transcript::default();
        t.add_secret("Canary-Boundary-123456");
        t.server(&format!(
            "{}Canary-Boundary-123456 end",
            "x".repeat(MAX_SHOWN - 10)
        ));
        let line = &t.take()[0].text;
        assert!(!line.contains("Canary-Bou"), "{line}");
    }

    #[test]
    fn a_short_password_is_scrubbed_where_it_stands_as_a_word() {
        let t = Transcript::default();
        t.add_secret("x7!");
        t.server("NO [AUTHENTICATIONFAILED] x7! is wrong; x7!a stays");
        let line = &t.take()[0].text;
        assert!(line.contains(&format!("] {REDACTED} is")), "{line}");
        assert!(line.contains("x7!a stays"), "{line}");
    }

    #[test]
    fn an_echoed_sasl_response_is_scrubbed() {
        let t = Transcript::default();
        // AUTH PLAIN "\0alice\0pw-42": the base64 of the whole response, not of the password.
        t.client("A1 AUTHENTICATE PLAIN AGFsaWNlAHB3LTQy");
        t.server("A1 NO you sent AGFsaWNlAHB3LTQy");
        let lines = t.take();
        assert!(
            lines.iter().all(|l| !l.text.contains("AGFsaWNlAHB3LTQy")),
            "{lines:?}"
        );
    }

    #[test]
    fn credential_commands_are_redacted() {
        assert_eq!(
            redact_client_line("a2 LOGIN alice@example.test s3cret!"),
            "a2 LOGIN alice@example.test <redacted>"
        );
        assert_eq!(
            redact_client_line(r#"a2 LOGIN "al ice" "pa ss \" word""#),
            r#"a2 LOGIN "al ice" <redacted>"#
        );
        assert_eq!(redact_client_line("PASS hunter22"), "PASS <redacted>");
        assert_eq!(
            redact_client_line("AUTH PLAIN AGFsaWNlAHNlY3JldA=="),
            "AUTH PLAIN <redacted>"
        );
        assert_eq!(
            redact_client_line("a3 AUTHENTICATE XOAUTH2 dXNlcj1h"),
            "a3 AUTHENTICATE XOAUTH2 <redacted>"
        );
        assert_eq!(redact_client_line("AUTH LOGIN"), "AUTH LOGIN");
        assert_eq!(redact_client_line("a1 CAPABILITY"), "a1 CAPABILITY");
        assert_eq!(redact_client_line("MAIL FROM:<a@b.c>"), "MAIL FROM:<a@b.c>");
    }

    #[test]
    fn known_secrets_are_scrubbed_from_every_line() {
        let t = Transcript::new(vec!["Sup3r-Secret".into()]);
        t.server("echo Sup3r-Secret back");
        t.client("U3VwMy1TZWNyZXQ="); // not the exact base64, stays
        use base64::Engine;
        t.client(&base64::engine::general_purpose::STANDARD.encode("Sup3r-Secret"));
        t.info(r#"quoted "Sup3r-Secret""#);
        let lines = t.take();
        assert_eq!(lines[0].text, "echo <redacted> back");
        assert_eq!(lines[1].text, "U3VwMy1TZWNyZXQ=");
        assert_eq!(lines[2].text, "<redacted>");
        assert!(!lines[3].text.contains("Sup3r"));
        assert!(t.take().is_empty());
    }

    #[test]
    fn huge_lines_are_cut() {
        let t = Transcript::default();
        t.server(&"x".repeat(100_000));
        let l = &t.take()[0];
        assert!(l.text.len() < 1100, "{}", l.text.len());
        assert!(l.text.ends_with("(100000 bytes)"));
    }

    #[test]
    fn every_sasl_command_hides_its_initial_response() {
        for (line, shown) in [
            (
                "AUTH XOAUTH2 dXNlcj1hAWF1dGg9QmVhcmVyIHQBAQ==",
                "AUTH XOAUTH2 <redacted>",
            ),
            (
                "AUTH OAUTHBEARER bixhPWFsaWNlLAE=",
                "AUTH OAUTHBEARER <redacted>",
            ),
            ("auth plain AGFsaWNlAHB3", "auth plain <redacted>"),
            ("AUTH LOGIN YWxpY2U=", "AUTH LOGIN <redacted>"),
            (
                "a1 authenticate PLAIN AGFsaWNlAHB3",
                "a1 authenticate PLAIN <redacted>",
            ),
            (
                "a4 AUTHENTICATE OAUTHBEARER bixhPWFsaWNlLAE=",
                "a4 AUTHENTICATE OAUTHBEARER <redacted>",
            ),
            ("pass hunter22", "pass <redacted>"),
            ("a1 login alice hunter22", "a1 login alice <redacted>"),
            // A command without credentials keeps its words.
            ("a5 AUTHENTICATE CRAM-MD5", "a5 AUTHENTICATE CRAM-MD5"),
            ("USER alice", "USER alice"),
        ] {
            assert_eq!(redact_client_line(line), shown, "{line}");
        }
    }

    #[test]
    fn client_lines_are_redacted_on_the_way_into_the_transcript() {
        let t = Transcript::default();
        t.client("a2 LOGIN alice topsecret");
        t.client("AUTH PLAIN AGFsaWNlAHRvcHNlY3JldA==");
        let shown: Vec<String> = t.take().into_iter().map(|l| l.text).collect();
        assert_eq!(
            shown,
            ["a2 LOGIN alice <redacted>", "AUTH PLAIN <redacted>"]
        );
    }

    #[test]
    fn short_secrets_only_as_words_and_quoted_ones_are_scrubbed() {
        let t = Transcript::new(vec!["abc".into(), r#"pa"ss\word"#.into()]);
        t.server("abc is hidden, abcdef stays readable");
        t.server(r#"echo "pa\"ss\\word""#);
        let shown = t.take();
        assert_eq!(shown[0].text, "<redacted> is hidden, abcdef stays readable");
        assert_eq!(shown[1].text, r#"echo "<redacted>""#);
    }

    #[test]
    fn lines_beyond_the_limit_are_counted_not_kept() {
        let t = Transcript::default();
        for i in 0..MAX_LINES + 5 {
            t.server(&i.to_string());
        }
        let shown = t.take();
        assert_eq!(shown.len(), MAX_LINES + 1);
        assert_eq!(shown.last().unwrap().text, "… 5 more lines not shown");
    }
}
