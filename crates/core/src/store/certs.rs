//! SQL for the certificate store.

use super::rows::{self, Cols};
use super::Tx;
use crate::error::{Entity, Result};
use crate::model::cert::{days_left, ParsedCert, EXPIRY_WARNING_DAYS};
use crate::model::{CertFormat, CertSecretKind, CertTrust, Certificate, SecretState};
use rusqlite::Row;

fn row(r: &Row) -> rusqlite::Result<Certificate> {
    let not_after: String = r.get("not_after")?;
    let left = days_left(&not_after);
    let emails: String = r.get("email_addresses")?;
    Ok(Certificate {
        id: r.get("id")?,
        version: r.get("version")?,
        name: r.get("name")?,
        format: CertFormat::parse(&r.get::<_, String>("format")?).unwrap_or(CertFormat::Pem),
        subject: r.get("subject")?,
        issuer: r.get("issuer")?,
        serial: r.get("serial")?,
        not_before: r.get("not_before")?,
        not_after,
        sha256: r.get("sha256")?,
        email_addresses: emails
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        has_private_key: r.get("has_private_key")?,
        secret_kind: CertSecretKind::parse(&r.get::<_, String>("secret_kind")?)
            .unwrap_or(CertSecretKind::None),
        secret: SecretState::parse(&r.get::<_, String>("secret_state")?),
        days_left: left,
        expiry_warning: left <= EXPIRY_WARNING_DAYS,
        trust_root: r.get("trust_root")?,
        trust_hosts: r
            .get::<_, String>("trust_hosts")?
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
    })
}

pub fn cols(name: &str, p: &ParsedCert) -> Cols {
    vec![
        ("name", name.to_string().into()),
        ("format", p.format.as_str().to_string().into()),
        ("subject", p.subject.clone().into()),
        ("issuer", p.issuer.clone().into()),
        ("serial", p.serial.clone().into()),
        ("not_before", p.not_before.clone().into()),
        ("not_after", p.not_after.clone().into()),
        ("sha256", p.sha256.clone().into()),
        ("email_addresses", p.email_addresses.join(",").into()),
        ("has_private_key", p.has_private_key.into()),
        ("data", p.stored_data.clone().into()),
        ("secret_kind", p.secret_kind.as_str().to_string().into()),
    ]
}

/// The columns of a certificate's trust.
pub fn trust_cols(t: &CertTrust) -> Cols {
    vec![
        ("trust_root", t.trust_root.into()),
        ("trust_hosts", t.trust_hosts.join(",").into()),
    ]
}

/// The certificates trusted as roots: their trust and their stored PEM.
pub fn trusted(conn: &Tx) -> Result<Vec<(CertTrust, String)>> {
    let mut st = conn.prepare(
        "SELECT trust_hosts, data FROM certificates WHERE trust_root = 1 AND format = 'pem' ORDER BY id",
    )?;
    let rows = st.query_map([], |r| {
        let hosts: String = r.get(0)?;
        let data: Vec<u8> = r.get(1)?;
        Ok((hosts, data))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (hosts, data) = row?;
        let trust = CertTrust {
            trust_root: true,
            trust_hosts: hosts
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
        };
        out.push((trust, String::from_utf8_lossy(&data).into_owned()));
    }
    Ok(out)
}

/// The stored certificate with this SHA-256 fingerprint, if any.
pub fn id_by_sha256(conn: &Tx, sha256: &str) -> Result<Option<(i64, i64)>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .query_row(
            "SELECT id, version FROM certificates WHERE sha256 = ?1",
            [sha256],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

pub fn list(conn: &Tx, q: &str) -> Result<Vec<Certificate>> {
    let hay = "name || ' ' || subject || ' ' || issuer || ' ' || sha256 || ' ' || email_addresses";
    rows::searched(conn, "certificates", hay, "name", q, row)
}

pub fn get(conn: &Tx, id: i64) -> Result<Certificate> {
    rows::one(conn, Entity::Certificate, id, row)
}

/// The stored file contents (certificate PEM, or the encrypted PKCS#12).
pub fn data(conn: &Tx, id: i64) -> Result<Vec<u8>> {
    Ok(
        conn.query_row("SELECT data FROM certificates WHERE id = ?1", [id], |r| {
            r.get(0)
        })?,
    )
}

pub fn used_by(conn: &Tx, id: i64) -> Result<Vec<String>> {
    let mut out = rows::labels_where(conn, Entity::OutgoingServer, "smime_certificate_id", id)?;
    for n in rows::labels_where(conn, Entity::OutgoingServer, "client_certificate_id", id)?
        .into_iter()
        .chain(rows::labels_where(
            conn,
            Entity::IncomingServer,
            "client_certificate_id",
            id,
        )?)
    {
        if !out.contains(&n) {
            out.push(n);
        }
    }
    Ok(out)
}

/// The name of the stored certificate with this SHA-256 fingerprint, if any.
pub fn name_by_sha256(conn: &Tx, sha256: &str) -> Result<Option<String>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .query_row(
            "SELECT name FROM certificates WHERE sha256 = ?1",
            [sha256],
            |r| r.get(0),
        )
        .optional()?)
}
