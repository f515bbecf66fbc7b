//! SQL for accounts, their assigned users and folders, and the resolution of the effective
//! outgoing server (account → company → installation default).

use super::rows::{self, Cols};
use super::Tx;
use crate::error::{Entity, Result};
use crate::model::{
    Account, AccountFolder, AccountInput, AccountSummary, DeleteProcedure, EffectiveOutgoing,
    OutgoingSource, Owner, SecretState,
};
use rusqlite::{OptionalExtension, Row};

const E: Entity = Entity::Account;

fn row(r: &Row) -> rusqlite::Result<Account> {
    let user: Option<i64> = r.get("owner_user_id")?;
    let group: Option<i64> = r.get("owner_group_id")?;
    Ok(Account {
        id: r.get("id")?,
        version: r.get("version")?,
        name: r.get("name")?,
        email: r.get("email")?,
        sender_name: r.get("sender_name")?,
        effective_sender_name: String::new(),
        reply_to: r.get("reply_to")?,
        owner: match (user, group) {
            (Some(u), _) => Owner::User(u),
            (None, Some(g)) => Owner::Group(g),
            // The CHECK constraint makes this unreachable.
            (None, None) => Owner::User(0),
        },
        user_ids: Vec::new(),
        company_id: r.get("company_id")?,
        incoming_server_id: r.get("incoming_server_id")?,
        outgoing_server_id: r.get("outgoing_server_id")?,
        username: r.get("username")?,
        password: SecretState::parse(&r.get::<_, String>("password_state")?),
        mailbox_path: r.get("mailbox_path")?,
        mail_received: r.get("mail_received")?,
        folder_trash: r.get("folder_trash")?,
        folder_junk: r.get("folder_junk")?,
        folder_sent: r.get("folder_sent")?,
        only_subscribed: r.get("only_subscribed")?,
        folders: Vec::new(),
        may_send: r.get("may_send")?,
        may_receive: r.get("may_receive")?,
        may_out_of_office: r.get("may_out_of_office")?,
        send_bcc: r.get("send_bcc")?,
        signature: r.get("signature")?,
        auto_fetch: r.get("auto_fetch")?,
        verbose_log: r.get("verbose_log")?,
        oauth_mechanism: crate::model::OauthMechanism::parse(
            &r.get::<_, String>("oauth_mechanism")?,
        )
        .unwrap_or_default(),
        attachments_group_in_id: r.get("attachments_group_in_id")?,
        attachments_group_out_id: r.get("attachments_group_out_id")?,
        delete_procedure: DeleteProcedure::parse(&r.get::<_, String>("delete_procedure")?)
            .unwrap_or_default(),
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
    })
}

pub fn cols(v: &AccountInput) -> Cols {
    let (user, group) = match v.owner {
        Some(Owner::User(u)) => (Some(u), None),
        Some(Owner::Group(g)) => (None, Some(g)),
        None => (None, None),
    };
    vec![
        ("name", v.name.clone().into()),
        ("email", v.email.clone().into()),
        ("sender_name", v.sender_name.clone().into()),
        ("reply_to", v.reply_to.clone().into()),
        ("owner_user_id", user.into()),
        ("owner_group_id", group.into()),
        ("company_id", v.company_id.into()),
        ("incoming_server_id", v.incoming_server_id.into()),
        ("outgoing_server_id", v.outgoing_server_id.into()),
        ("username", v.username.clone().into()),
        ("mailbox_path", v.mailbox_path.clone().into()),
        ("folder_trash", v.folder_trash.clone().into()),
        ("folder_junk", v.folder_junk.clone().into()),
        ("folder_sent", v.folder_sent.clone().into()),
        ("only_subscribed", v.only_subscribed.into()),
        ("may_send", v.may_send.into()),
        ("may_receive", v.may_receive.into()),
        ("may_out_of_office", v.may_out_of_office.into()),
        ("send_bcc", v.send_bcc.clone().into()),
        ("signature", v.signature.clone().into()),
        ("auto_fetch", v.auto_fetch.into()),
        ("verbose_log", v.verbose_log.into()),
        (
            "oauth_mechanism",
            v.oauth_mechanism.as_str().to_string().into(),
        ),
        ("attachments_group_in_id", v.attachments_group_in_id.into()),
        (
            "attachments_group_out_id",
            v.attachments_group_out_id.into(),
        ),
        (
            "delete_procedure",
            v.delete_procedure.as_str().to_string().into(),
        ),
    ]
}

fn complete(conn: &Tx, mut a: Account) -> Result<Account> {
    a.user_ids = rows::links(conn, "account_users", "account_id", a.id, "user_id")?;
    let mut stmt = conn.prepare(
        "SELECT folder, subscribed, auto_fetch FROM account_folders WHERE account_id = ?1 \
         ORDER BY folder",
    )?;
    let it = stmt.query_map([a.id], |r| {
        Ok(AccountFolder {
            folder: r.get(0)?,
            subscribed: r.get(1)?,
            auto_fetch: r.get(2)?,
        })
    })?;
    a.folders = it.collect::<rusqlite::Result<Vec<_>>>()?;
    a.effective_sender_name = effective_sender_name(conn, &a.sender_name, a.owner)?;
    Ok(a)
}

/// The name mail is sent with: `sender_name`, or when it is empty the owning user's display
/// name (its login when that is empty too) or the owning group's name.
pub fn effective_sender_name(conn: &Tx, sender_name: &str, owner: Owner) -> Result<String> {
    if !sender_name.trim().is_empty() {
        return Ok(sender_name.trim().to_string());
    }
    let name: Option<String> = match owner {
        Owner::User(u) => conn
            .query_row(
                "SELECT CASE WHEN trim(display_name) = '' THEN login ELSE display_name END \
                 FROM users WHERE id = ?1",
                [u],
                |r| r.get(0),
            )
            .optional()?,
        Owner::Group(g) => conn
            .query_row("SELECT name FROM groups WHERE id = ?1", [g], |r| r.get(0))
            .optional()?,
    };
    Ok(name.unwrap_or_default().trim().to_string())
}

/// Accounts whose attachments permission group (incoming or outgoing) is group `id`.
pub fn attachments_of_group(conn: &Tx, id: i64) -> Result<Vec<String>> {
    rows::query(
        conn,
        "SELECT name FROM accounts WHERE attachments_group_in_id = ?1 \
         OR attachments_group_out_id = ?1 ORDER BY name COLLATE natural_de",
        [id],
        |r| r.get(0),
    )
}

/// What an account search looks in: `search_text`, which the schema's triggers keep as the
/// case-folded name, address, sender name, login, reply-to and mailbox path, the owner's
/// login and display name (or the group's name), the company's name and the incoming and
/// outgoing servers' names (migration 9). Every word of the query must be in it.
fn search_where(q: &str) -> (String, Vec<String>) {
    let words = rows::search_words(q);
    (rows::folded_clause("search_text", words.len()), words)
}

pub fn list(conn: &Tx, q: &str) -> Result<Vec<Account>> {
    let (clause, words) = search_where(q);
    let sql = format!("SELECT * FROM accounts{clause} ORDER BY name COLLATE natural_de");
    rows::query(conn, &sql, rusqlite::params_from_iter(words.iter()), row)?
        .into_iter()
        .map(|a| complete(conn, a))
        .collect()
}

/// The list lines of the accounts matching `q` (as `list`), in name order, with their owner's
/// name: one query, no per-row look-ups.
pub fn summaries(conn: &Tx, q: &str) -> Result<Vec<AccountSummary>> {
    let (clause, words) = search_where(q);
    let sql = format!(
        "SELECT a.id, a.name, a.email, a.owner_user_id, a.owner_group_id, \
         coalesce(u.login, g.name, '') AS owner_name, a.password_state, a.mail_received \
         FROM (SELECT * FROM accounts{clause}) AS a \
         LEFT JOIN users u ON u.id = a.owner_user_id \
         LEFT JOIN groups g ON g.id = a.owner_group_id \
         ORDER BY a.name COLLATE natural_de"
    );
    rows::query(conn, &sql, rusqlite::params_from_iter(words.iter()), |r| {
        let user: Option<i64> = r.get(3)?;
        let group: Option<i64> = r.get(4)?;
        Ok(AccountSummary {
            id: r.get(0)?,
            name: r.get(1)?,
            email: r.get(2)?,
            owner: match (user, group) {
                (Some(u), _) => Owner::User(u),
                (None, Some(g)) => Owner::Group(g),
                (None, None) => Owner::User(0),
            },
            owner_name: r.get(5)?,
            password: SecretState::parse(&r.get::<_, String>(6)?),
            mail_received: r.get(7)?,
        })
    })
}

/// The ids of the accounts matching `q` (as `list`), unordered: what a search as one types
/// needs when the list's lines are already loaded.
pub fn search_ids(conn: &Tx, q: &str) -> Result<Vec<i64>> {
    let (clause, words) = search_where(q);
    let sql = format!("SELECT id FROM accounts{clause}");
    rows::query(conn, &sql, rusqlite::params_from_iter(words.iter()), |r| {
        r.get(0)
    })
}

pub fn get(conn: &Tx, id: i64) -> Result<Account> {
    complete(conn, rows::one(conn, E, id, row)?)
}

/// Replaces the assigned users and the folder choices of account `id`.
pub fn set_children(conn: &Tx, id: i64, v: &AccountInput) -> Result<()> {
    rows::set_links(
        conn,
        "account_users",
        "account_id",
        id,
        "user_id",
        &v.user_ids,
    )?;
    conn.execute("DELETE FROM account_folders WHERE account_id = ?1", [id])?;
    let mut stmt = conn.prepare(
        "INSERT INTO account_folders (account_id, folder, subscribed, auto_fetch) \
         VALUES (?1, ?2, ?3, ?4)",
    )?;
    for f in &v.folders {
        stmt.execute(rusqlite::params![id, f.folder, f.subscribed, f.auto_fetch])?;
    }
    Ok(())
}

/// Sets the flag the business application sets when mail was received (locks the path).
pub fn set_mail_received(conn: &Tx, id: i64, received: bool) -> Result<()> {
    conn.execute(
        "UPDATE accounts SET mail_received = ?2, version = version + 1 WHERE id = ?1",
        rusqlite::params![id, received],
    )?;
    Ok(())
}

/// The outgoing server account `id` really uses: its own, else its company's default,
/// else the installation default.
pub fn effective_outgoing(conn: &Tx, id: i64) -> Result<EffectiveOutgoing> {
    let (own, company): (Option<i64>, Option<i64>) = conn
        .query_row(
            "SELECT outgoing_server_id, company_id FROM accounts WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .ok_or_else(|| rows::not_found(E, id))?;
    effective_outgoing_of(conn, own, company)
}

/// The outgoing server an account with its own choice `own` in company `company` sends
/// through: its own, else the company's default, else the installation default.
pub fn effective_outgoing_of(
    conn: &Tx,
    own: Option<i64>,
    company: Option<i64>,
) -> Result<EffectiveOutgoing> {
    let name = |sid: i64| rows::label(conn, Entity::OutgoingServer, sid);
    if let Some(sid) = own {
        return Ok(EffectiveOutgoing {
            server_id: Some(sid),
            server_name: Some(name(sid)?),
            source: OutgoingSource::Account,
            company_name: None,
        });
    }
    if let Some(cid) = company {
        let (cname, cdef): (String, Option<i64>) = conn.query_row(
            "SELECT name, default_outgoing_server_id FROM companies WHERE id = ?1",
            [cid],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        if let Some(sid) = cdef {
            return Ok(EffectiveOutgoing {
                server_id: Some(sid),
                server_name: Some(name(sid)?),
                source: OutgoingSource::Company,
                company_name: Some(cname),
            });
        }
    }
    let def: Option<(i64, String)> = conn
        .query_row(
            "SELECT id, name FROM outgoing_servers WHERE is_default = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(match def {
        Some((sid, n)) => EffectiveOutgoing {
            server_id: Some(sid),
            server_name: Some(n),
            source: OutgoingSource::Installation,
            company_name: None,
        },
        None => EffectiveOutgoing {
            server_id: None,
            server_name: None,
            source: OutgoingSource::None,
            company_name: None,
        },
    })
}

/// Accounts owned by group `id`.
pub fn owned_by_group(conn: &Tx, id: i64) -> Result<Vec<(i64, String)>> {
    rows::query(
        conn,
        "SELECT id, name FROM accounts WHERE owner_group_id = ?1 ORDER BY name COLLATE natural_de",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

/// Gives the shared mailboxes of group `from` to group `to` (when `from` is deleted).
pub fn reassign_group(conn: &Tx, from: i64, to: i64) -> Result<()> {
    conn.execute(
        "UPDATE accounts SET owner_group_id = ?2, version = version + 1 WHERE owner_group_id = ?1",
        [from, to],
    )?;
    Ok(())
}
