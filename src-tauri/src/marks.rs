//! Marks for benchmarks: with `MAILBOX_ADMIN_MARKS=1` the window's `mark(label)` prints one
//! line `mailbox-admin-mark <label> <ms>` to stderr, `<ms>` being the milliseconds since the
//! process started (bench/ reads them; the labels are listed in docs/ARCHITECTURE.md).
//!
//! "Started" is when the kernel created the process (`starttime` in /proc/self/stat), so the
//! figure includes loading the binary and its libraries, as a stopwatch started at launch
//! would: `start()`, called first thing in `run`, takes an `Instant` and how long the process
//! had already been running then (/proc/self/stat against /proc/uptime, both in 10 ms clock
//! ticks); a mark adds the `Instant`'s elapsed time. Where /proc is missing the offset is 0.

use std::sync::OnceLock;
use std::time::Instant;

static START: OnceLock<(Instant, f64)> = OnceLock::new();

/// Whether marks are printed at all (`MAILBOX_ADMIN_MARKS=1`).
fn enabled() -> bool {
    std::env::var_os("MAILBOX_ADMIN_MARKS").is_some_and(|v| v == "1")
}

/// Milliseconds the process had run before `main` (Linux; 0 elsewhere).
fn before_main_ms() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let uptime = std::fs::read_to_string("/proc/uptime").unwrap_or_default();
    parse_before_main(&stat, &uptime).unwrap_or(0.0)
}

/// From /proc/self/stat's `starttime` (field 22, clock ticks after boot; USER_HZ is 100 on
/// every Linux ABI) and /proc/uptime (seconds after boot).
fn parse_before_main(stat: &str, uptime: &str) -> Option<f64> {
    // The command name (field 2) is in parentheses and may hold spaces: count after it.
    let rest = &stat[stat.rfind(')')? + 1..];
    let ticks: f64 = rest.split_whitespace().nth(19)?.parse().ok()?;
    let up: f64 = uptime.split_whitespace().next()?.parse().ok()?;
    Some((up * 1000.0 - ticks * 10.0).max(0.0))
}

/// Call first thing in the process.
pub fn start() {
    START.get_or_init(|| (Instant::now(), before_main_ms()));
}

/// Milliseconds since the process started.
pub fn since_start_ms() -> u64 {
    let (at, before) = START.get_or_init(|| (Instant::now(), before_main_ms()));
    (before + at.elapsed().as_secs_f64() * 1000.0).round() as u64
}

/// The line of mark `label`, or None when marks are off. A label is one word (spaces and
/// control characters become `_`), so that the line stays three fields.
pub fn line(label: &str) -> Option<String> {
    if !enabled() {
        return None;
    }
    let clean: String = label
        .chars()
        .take(64)
        .map(|c| {
            if c.is_whitespace() || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    Some(format!("mailbox-admin-mark {clean} {}", since_start_ms()))
}

pub fn mark(label: &str) {
    if let Some(l) = line(label) {
        eprintln!("{l}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_time_before_main_comes_from_the_start_tick_and_the_uptime() {
        let stat = "1234 (mailbox admin) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 4200 99";
        assert_eq!(parse_before_main(stat, "43.25 80.00\n"), Some(1250.0));
        assert_eq!(parse_before_main("garbage", "1.0 1.0"), None);
        // The real files of this process: it has run for a while, but not for days.
        let ms = before_main_ms();
        assert!((0.0..86_400_000.0).contains(&ms), "{ms}");
    }

    #[test]
    fn marks_are_printed_only_when_asked_and_stay_three_fields() {
        // Both cases in one test: the environment is shared by the test threads.
        std::env::remove_var("MAILBOX_ADMIN_MARKS");
        assert_eq!(line("first-tab-ready"), None);
        std::env::set_var("MAILBOX_ADMIN_MARKS", "1");
        let l = line("first tab\nready").unwrap();
        let fields: Vec<&str> = l.split(' ').collect();
        assert_eq!(fields.len(), 3, "{l}");
        assert_eq!(fields[..2], ["mailbox-admin-mark", "first_tab_ready"]);
        assert!(fields[2].parse::<u64>().is_ok(), "{l}");
        std::env::remove_var("MAILBOX_ADMIN_MARKS");
    }
}
