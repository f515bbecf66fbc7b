//! A Microsoft 365 outgoing server that sends through Microsoft Graph: the token (Login),
//! the mailbox (`GET /v1.0/users/{address}`, Mailbox), the right to send as it (the token's
//! permissions, Sender) and, when asked, the test mail (`sendMail`, Send). Graph decides;
//! the token's claims only explain. Every request and answer status goes to the transcript
//! (the token never: it is a secret of the transcript).

use super::runner::{Done, Failure, Runner, Stop};
use super::smtp::Mail;
use super::{ProbeTarget, StepKind};
use crate::diag::{DiagnosisCode, EvidenceKey};
use crate::graph::{self, Graph, GraphFailure, GraphMail, TokenClaims, MAIL_SEND};
use crate::sensitive::Secret;

fn failure(f: GraphFailure) -> Failure {
    let mut out = Failure::new(f.code);
    out.evidence = f.evidence;
    out
}

/// What the token is and says about itself.
struct Token {
    secret: Secret,
    /// A user's token (delegated), not an app-only one.
    delegated: bool,
    /// The permissions it names (JWT claims, else the scopes the provider granted); empty:
    /// unknown.
    permissions: Vec<String>,
}

pub(crate) async fn test(r: &mut Runner<'_>, t: &ProbeTarget, mails: &[Mail]) -> Result<(), Stop> {
    let limit = t.timeout;
    let address = if t.sender.trim().is_empty() {
        t.user.trim().to_string()
    } else {
        t.sender.trim().to_string()
    };
    let client = Graph::new(&t.graph_url, &t.tls.extra_roots, limit);

    let transcript = r.transcript.clone();
    let token = r
        .step(StepKind::Login, limit, async {
            graph::check_base(&t.graph_url).map_err(|e| {
                Failure::new(DiagnosisCode::GraphError).with(EvidenceKey::Problem, e)
            })?;
            // Graph is HTTPS only: the token never travels unencrypted.
            let secret = Secret::new(super::flow::credentials(t, true)?);
            let claims = TokenClaims::of(secret.expose());
            let permissions = match &claims {
                Some(c) if !c.permissions().is_empty() => c.permissions(),
                _ => t
                    .oauth_scopes
                    .split_whitespace()
                    .map(str::to_string)
                    .collect(),
            };
            let delegated = match &claims {
                Some(c) if !c.scopes.is_empty() || !c.roles.is_empty() => !c.is_app(),
                _ => t.oauth_subject.contains('@'),
            };
            let who = claims
                .as_ref()
                .and_then(|c| c.user.clone())
                .filter(|u| !u.is_empty())
                .or_else(|| Some(t.oauth_subject.clone()).filter(|s| !s.is_empty()))
                .unwrap_or_else(|| {
                    if delegated {
                        t.user.clone()
                    } else {
                        "app".to_string()
                    }
                });
            transcript.info(&format!(
                "token: {}, permissions: {}",
                if delegated { "delegated" } else { "app-only" },
                shown(&permissions)
            ));
            Ok(Done::new(
                Token {
                    secret,
                    delegated,
                    permissions: permissions.clone(),
                },
                "graph_token",
            )
            .arg("user", who)
            .arg("permissions", shown(&permissions)))
        })
        .await?;

    // The mailbox, as this token may see it.
    let url = client.user_url(&address, &[]);
    let transcript = r.transcript.clone();
    r.step(StepKind::Mailbox, limit, async {
        transcript.client(&format!("GET {url}"));
        let user = client
            .user(&token.secret, &address, token.delegated)
            .await
            .map_err(|f| {
                transcript.server(&status_line(&f));
                explain(failure(f), &token, &address, t)
            })?;
        transcript.server("HTTP 200");
        let name = if user.display_name.is_empty() {
            user.mail.clone()
        } else {
            user.display_name
        };
        Ok(Done::new((), "graph_mailbox")
            .arg("address", address.clone())
            .arg("name", name))
    })
    .await?;

    // The right to send: Graph decides at sendMail; the token's own list explains early.
    let sender_ok = super::flow::soft(
        r.step(StepKind::Sender, limit, async {
            if token.permissions.is_empty() {
                return Ok(Done::new((), "graph_permission_unknown"));
            }
            if !graph::grants(&token.permissions, MAIL_SEND) {
                return Err(Failure::new(DiagnosisCode::GraphPermissionMissing)
                    .with(EvidenceKey::Wanted, MAIL_SEND)
                    .with(EvidenceKey::Offered, shown(&token.permissions)));
            }
            Ok(Done::new((), "graph_permission")
                .arg("address", address.clone())
                .arg("permissions", MAIL_SEND))
        })
        .await,
    )?
    .is_some();

    if sender_ok {
        let client = &client;
        for mail in mails {
            let url = client.user_url(&address, &["sendMail"]);
            let transcript = r.transcript.clone();
            let m = GraphMail {
                to: mail.to.trim().to_string(),
                subject: "Mailbox Admin: Prüfnachricht / test message".into(),
                body: super::smtp::TEST_BODY.replace("\r\n", "\n"),
                headers: vec![("X-Mailbox-Admin-Test".into(), mail.token.clone())],
            };
            let token = &token;
            let address = &address;
            super::flow::soft(
                r.step(StepKind::Send, limit, async move {
                    transcript.client(&format!("POST {url}"));
                    let status = client
                        .send_mail(&token.secret, address, &m, token.delegated)
                        .await
                        .map_err(|f| {
                            transcript.server(&status_line(&f));
                            explain(failure(f), token, address, t)
                        })?;
                    transcript.server(&format!("HTTP {status}"));
                    Ok(Done::new((), "graph_sent")
                        .arg("to", m.to.clone())
                        .arg("status", status.to_string()))
                })
                .await,
            )?;
        }
    }
    Ok(())
}

/// A refusal with what the token says: who it is for and which permissions it names.
fn explain(f: Failure, token: &Token, address: &str, t: &ProbeTarget) -> Failure {
    match f.code {
        DiagnosisCode::OauthWrongUser => {
            let mut f = f.with(EvidenceKey::User, address);
            if !t.oauth_subject.is_empty() {
                f = f.with(EvidenceKey::ConsentedAs, t.oauth_subject.clone());
            }
            f
        }
        DiagnosisCode::GraphPermissionMissing | DiagnosisCode::GraphTokenRejected => f
            .with(EvidenceKey::Wanted, MAIL_SEND)
            .with(EvidenceKey::Offered, shown(&token.permissions)),
        _ => f,
    }
}

fn shown(permissions: &[String]) -> String {
    if permissions.is_empty() {
        "—".to_string()
    } else {
        permissions.join(" ")
    }
}

fn status_line(f: &GraphFailure) -> String {
    let get = |k: EvidenceKey| {
        f.evidence
            .iter()
            .find(|e| e.key == k)
            .map(|e| e.value.clone())
    };
    match (get(EvidenceKey::StatusCode), get(EvidenceKey::ServerError)) {
        (Some(s), Some(c)) => format!("{s} {c}"),
        (Some(s), None) => s,
        _ => get(EvidenceKey::Problem).unwrap_or_else(|| f.code.as_str().to_string()),
    }
}
