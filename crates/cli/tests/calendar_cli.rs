//! `mbadmin test calendar NAME` against a real Radicale (CalDAV over TLS on loopback), with
//! the password in a real (private) Secret Service: a step line per CalDAV step, `--json`
//! with the core's report, exit code 1 and `caldav.auth_failed` for a wrong password,
//! `caldav.calendar_not_found` with the existing calendars, and the password never printed.

#[path = "../../core/tests/support/caldav.rs"]
mod caldav_support;
#[path = "../../core/tests/support/mod.rs"]
mod support;

mod cli_support;

use caldav_support::{Calendar, TestCaldav};
use cli_support::{all_succeed, json, mbadmin_in as mbadmin, temp_db_with_ca, text};
use std::process::Output;

const PW: &str = "Canary-Cli-Kalender-5Tz";

fn assert_no_password(o: &Output) {
    let all = format!("{}{}", text(&o.stdout), text(&o.stderr));
    assert!(!all.contains(PW), "password printed: {all}");
}

#[test]
fn test_calendar_prints_every_caldav_step_and_diagnoses_a_wrong_password() {
    let _keyring = support::SecretService::shared();
    let cal = TestCaldav::start(
        "127.0.0.1",
        &["cal.firma.test"],
        &[("anna", PW)],
        &[Calendar::new("anna", "arbeit", "Arbeit").event_in_days(2)],
    );
    let (_dir, db, ca) = temp_db_with_ca(&cal.ca_pem);
    let add = format!(
        "calendar add --name Anna --employee 'Anna Becker' --backend caldav --caldav-url {} \
         --calendar-name Arbeit --user anna --password-stdin",
        cal.url("/anna/")
    );
    all_succeed(
        &db,
        &[("employee add --name 'Anna Becker'", ""), (&add, PW)],
    );

    // Human: a line per step as it ends, a verdict, exit 0.
    let o = mbadmin(&db, &format!("test calendar Anna --ca-file {ca}"), "");
    let out = text(&o.stdout);
    assert!(o.status.success(), "{out}{}", text(&o.stderr));
    for step in ["principal", "calendar_home", "calendars", "calendar_read"] {
        assert!(
            out.lines()
                .any(|l| l.trim_start().starts_with("ok") && l.contains(step)),
            "no line for {step}: {out}"
        );
    }
    assert!(out.contains(" read: 1"), "{out}");
    assert!(out.contains("Anna: passed"), "{out}");
    assert_no_password(&o);

    // JSON: the core's report.
    let o = mbadmin(
        &db,
        &format!("--json test calendar Anna --ca-file {ca}"),
        "",
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let v = json(&o);
    assert_eq!(v["ok"], true);
    let kinds: Vec<&str> = v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "discovery",
            "principal",
            "calendar_home",
            "calendars",
            "calendar_read"
        ]
    );
    assert!(v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["role"] == "calendar"));
    assert_no_password(&o);

    // A calendar that is not there: the existing ones are named.
    let o = mbadmin(&db, "calendar edit Anna --calendar-name Urlaub", "");
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = mbadmin(&db, &format!("test calendar Anna --ca-file {ca}"), "");
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("[caldav.calendar_not_found]"), "{out}");
    assert!(out.contains("Existing calendars: Arbeit (arbeit)"), "{out}");

    // A wrong password: exit 1, the login step says so.
    let o = mbadmin(
        &db,
        "calendar edit Anna --calendar-name Arbeit --password-stdin",
        "wrong-Pw-9",
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = mbadmin(&db, &format!("test calendar Anna --ca-file {ca}"), "");
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("[caldav.auth_failed]"), "{out}");
    assert!(out.contains("Anna: failed"), "{out}");
    assert!(!out.contains("wrong-Pw-9"), "{out}");
}
