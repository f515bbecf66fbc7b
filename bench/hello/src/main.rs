//! Hello-world Tauri v2 app: the peer of Mailbox Admin in the window benchmarks.
// Prevents an additional console window on Windows in release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::sync::OnceLock;
use std::time::Instant;

/// When `main` began, and how long the process had already run then (loading the binary and
/// its libraries): /proc/self/stat's `starttime` against /proc/uptime, both in 10 ms ticks —
/// the same reckoning as Mailbox Admin's marks (src-tauri/src/marks.rs).
static START: OnceLock<(Instant, f64)> = OnceLock::new();

fn before_main_ms() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let uptime = std::fs::read_to_string("/proc/uptime").unwrap_or_default();
    let ticks: Option<f64> = stat
        .rsplit_once(')')
        .and_then(|(_, rest)| rest.split_whitespace().nth(19))
        .and_then(|s| s.parse().ok());
    let up: Option<f64> = uptime
        .split_whitespace()
        .next()
        .and_then(|s| s.parse().ok());
    match (ticks, up) {
        (Some(t), Some(u)) => (u * 1000.0 - t * 10.0).max(0.0),
        _ => 0.0,
    }
}

/// Milliseconds since the process started.
fn ms_since_start() -> f64 {
    let (at, before) = START.get_or_init(|| (Instant::now(), before_main_ms()));
    before + at.elapsed().as_secs_f64() * 1000.0
}

#[tauri::command]
fn mark(name: String) {
    eprintln!("mailbox-admin-mark {name} {:.0}", ms_since_start());
}

fn main() {
    ms_since_start();
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![mark])
        .run(tauri::generate_context!())
        .expect("error while running the hello app");
}
