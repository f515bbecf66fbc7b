//! Referential integrity under a long random sequence of creates, edits and deletes: no
//! orphan row ever (`PRAGMA foreign_key_check`), refused deletes leave the row in place.

#[path = "support/fixtures.rs"]
mod fixtures;

use fixtures::app_at;
use mailbox_admin_core::error::ErrorCode;
use mailbox_admin_core::model::*;
use mailbox_admin_core::Lang;

/// A small deterministic generator, so that a failure reproduces.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
    fn pick(&mut self, v: &[i64]) -> Option<i64> {
        (!v.is_empty()).then(|| v[self.next(v.len())])
    }
}

fn ids<T>(v: Vec<T>, f: fn(&T) -> i64) -> Vec<i64> {
    v.iter().map(f).collect()
}

#[test]
fn no_orphan_rows_after_a_random_sequence_of_operations() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("config.db");
    let (app, _) = app_at(&db, Lang::En);
    let mut r = Lcg(0x5eed_2026);
    let (mut refused, mut done) = (0, 0);

    for step in 0..600 {
        let servers = ids(app.list_servers("").unwrap(), |s| s.id);
        let outs = ids(app.list_outgoing("").unwrap(), |s| s.id);
        let companies = ids(app.list_companies("").unwrap(), |c| c.id);
        let users = ids(app.list_users("").unwrap(), |u| u.id);
        let groups = ids(app.list_groups("").unwrap(), |g| g.id);
        let employees = ids(app.list_employees("").unwrap(), |e| e.id);
        let accounts = ids(app.list_accounts("").unwrap(), |a| a.id);
        let calendars = ids(app.list_calendars("").unwrap(), |c| c.id);
        let n = format!("n{step}");
        let owner = if r.next(2) == 0 {
            r.pick(&users).map(Owner::User)
        } else {
            r.pick(&groups).map(Owner::Group)
        };
        let result: Result<(), mailbox_admin_core::Error> = match r.next(17) {
            0 => app
                .create_server(&ServerInput {
                    name: n,
                    host: "imap.example.com".into(),
                    ..Default::default()
                })
                .map(|_| ()),
            1 => app
                .create_outgoing(&OutgoingInput {
                    name: n,
                    host: "smtp.example.com".into(),
                    is_default: r.next(3) == 0,
                    ..Default::default()
                })
                .map(|_| ()),
            2 => app
                .create_company(&CompanyInput {
                    name: n,
                    default_outgoing_server_id: r.pick(&outs),
                    ..Default::default()
                })
                .map(|_| ()),
            3 | 4 => app
                .create_user(&UserInput {
                    login: n,
                    ..Default::default()
                })
                .map(|_| ()),
            5 => {
                let members: Vec<i64> = users.iter().copied().filter(|_| r.next(2) == 0).collect();
                app.create_group(&GroupInput {
                    name: n,
                    member_ids: members,
                    ..Default::default()
                })
                .map(|_| ())
            }
            6 => app
                .create_employee(&EmployeeInput {
                    name: n,
                    user_id: r.pick(&users),
                    ..Default::default()
                })
                .map(|_| ()),
            7 | 8 => app
                .create_account(&AccountInput {
                    name: n,
                    email: "a@example.com".into(),
                    owner,
                    user_ids: users.iter().copied().filter(|_| r.next(3) == 0).collect(),
                    company_id: r.pick(&companies),
                    incoming_server_id: r.pick(&servers),
                    outgoing_server_id: if r.next(2) == 0 { r.pick(&outs) } else { None },
                    ..Default::default()
                })
                .map(|_| ()),
            9 => match r.pick(&employees) {
                Some(e) => app
                    .create_calendar(&CalendarInput {
                        name: n,
                        employee_id: Some(e),
                        ..Default::default()
                    })
                    .map(|_| ()),
                None => Ok(()),
            },
            10 => match r.pick(&accounts) {
                Some(id) => {
                    let a = app.get_account(id).unwrap();
                    let mut i = AccountInput::from(&a);
                    i.owner = owner.or(i.owner);
                    i.company_id = r.pick(&companies);
                    i.outgoing_server_id = r.pick(&outs);
                    app.update_account(a.id, a.version, &i).map(|_| ())
                }
                None => Ok(()),
            },
            11 => r
                .pick(&servers)
                .map_or(Ok(()), |id| app.delete_server(id, None).map(|_| ())),
            12 => r
                .pick(&outs)
                .map_or(Ok(()), |id| app.delete_outgoing(id, None).map(|_| ())),
            13 => r
                .pick(&companies)
                .map_or(Ok(()), |id| app.delete_company(id, None).map(|_| ())),
            14 => r
                .pick(&users)
                .map_or(Ok(()), |id| app.delete_user(id, None).map(|_| ())),
            15 => r.pick(&groups).map_or(Ok(()), |id| {
                let fate = match r.next(3) {
                    0 => MailboxFate::Refuse,
                    1 => MailboxFate::Delete,
                    _ => groups
                        .iter()
                        .copied()
                        .find(|g| *g != id)
                        .map_or(MailboxFate::Delete, MailboxFate::Reassign),
                };
                app.delete_group(id, None, fate).map(|_| ())
            }),
            _ => {
                if r.next(2) == 0 {
                    r.pick(&employees)
                        .map_or(Ok(()), |id| app.delete_employee(id, None).map(|_| ()))
                } else {
                    r.pick(&calendars)
                        .map_or(Ok(()), |id| app.delete_calendar(id, None).map(|_| ()))
                }
            }
        };
        match result {
            Ok(()) => done += 1,
            Err(e) => {
                assert!(
                    matches!(e.code(), ErrorCode::InUse | ErrorCode::Validation),
                    "step {step}: unexpected {e:?}"
                );
                refused += 1;
            }
        }
        if step % 50 == 49 {
            check(&db);
        }
    }
    check(&db);
    assert!(
        done > 300 && refused > 20,
        "done {done}, refused {refused}: the sequence must exercise both"
    );
    let defaults = app
        .list_outgoing("")
        .unwrap()
        .iter()
        .filter(|s| s.is_default)
        .count();
    assert!(defaults <= 1);
}

fn check(db: &std::path::Path) {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut stmt = c.prepare("PRAGMA foreign_key_check").unwrap();
    let orphans: Vec<String> = stmt
        .query_map([], |r| {
            Ok(format!(
                "{}#{}",
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(orphans.is_empty(), "orphan rows: {orphans:?}");
    let ok: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
}
