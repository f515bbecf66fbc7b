//! The Mobile tab's operations: an account's Apple profile (signed with a certificate of the
//! store if asked), Thunderbird autoconfig and its publication check, QR codes; and the mobile
//! accounts (Mobile-Konten) recorded for the devices set up.

use super::records::{nobody, refs, tx};
use super::{App, Removed};
use crate::diag::FieldCode;
use crate::error::{Entity, Error, FieldIssue, Result};
use crate::model::*;
use crate::provision::{self, apple, autoconfig, qr, sign, Target};
use crate::sensitive::Secret;
use crate::store::rows::At;
use crate::store::{certs, mobile, rows, Tx};
use base64::Engine;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// The device something is produced for: recorded (or updated, by name) in Mobile-Konten.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(default)]
pub struct DeviceNote {
    pub name: String,
    pub platform: DevicePlatform,
    pub user_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(default)]
pub struct ProfileOptions {
    /// Put the account's password into the profile (anyone holding the file can read it).
    pub with_password: bool,
    /// Sign with this certificate of the store (it needs its private key).
    pub certificate_id: Option<i64>,
    pub device: Option<DeviceNote>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
pub enum QrFormat {
    /// Thunderbird for Android's account import (Thunderbird desktop "Export for mobile").
    #[default]
    Thunderbird,
    /// Delta Chat's `dclogin:` URI.
    Dclogin,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(default)]
pub struct QrOptions {
    pub format: QrFormat,
    pub with_password: bool,
    pub device: Option<DeviceNote>,
}

/// A produced file: its suggested name, MIME type and bytes (base64, to cross IPC). Its Debug
/// form leaves the bytes out: they may hold the password.
#[derive(Clone, Serialize, Deserialize, TS)]
pub struct ProducedFile {
    pub file_name: String,
    pub mime: String,
    pub data_base64: String,
    pub contains_password: bool,
    pub signed: bool,
    /// The Mobile-Konten entry recorded for the device, when one was named.
    pub device: Option<MobileDevice>,
}

/// A QR code; like `ProducedFile`, its Debug form leaves the code out.
#[derive(Clone, Serialize, Deserialize, TS)]
pub struct QrCodeOut {
    pub format: QrFormat,
    /// Characters in the code (Thunderbird for Android reads at most 800).
    pub chars: u32,
    pub svg: String,
    pub png_base64: String,
    pub contains_password: bool,
    pub device: Option<MobileDevice>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct AutoconfigOut {
    pub domain: String,
    pub xml: String,
    /// Where it must be published (both, without authentication).
    pub urls: Vec<String>,
    /// False: the account's username fits no placeholder; users must correct it on the device.
    pub username_placeholder: bool,
    /// The account it was made from.
    pub account_id: i64,
}

/// What one publication URL answered.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct PublicationCheck {
    pub url: String,
    pub published: bool,
    pub status: Option<u16>,
    /// Why not (translated), when not published.
    pub problem: Option<String>,
}

impl std::fmt::Debug for ProducedFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProducedFile")
            .field("file_name", &self.file_name)
            .field("bytes", &self.data_base64.len())
            .field("contains_password", &self.contains_password)
            .field("signed", &self.signed)
            .field("device", &self.device)
            .finish()
    }
}

impl std::fmt::Debug for QrCodeOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QrCodeOut")
            .field("format", &self.format)
            .field("chars", &self.chars)
            .field("contains_password", &self.contains_password)
            .field("device", &self.device)
            .finish()
    }
}

fn file(name: String, mime: &str, bytes: &[u8]) -> ProducedFile {
    ProducedFile {
        file_name: name,
        mime: mime.into(),
        data_base64: B64.encode(bytes),
        contains_password: false,
        signed: false,
        device: None,
    }
}

/// A file name from an address: `max@example.com` → `max-example.com`.
fn stem(email: &str) -> String {
    email
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

impl App {
    // ---- mobile accounts (Mobile-Konten) ----------------------------------------------

    pub fn list_mobile_devices(&self, q: &str) -> Result<Vec<MobileDevice>> {
        mobile::list(self.db().read(), q)
    }

    pub fn get_mobile_device(&self, id: i64) -> Result<MobileDevice> {
        mobile::get(self.db().read(), id)
    }

    pub fn create_mobile_device(&self, input: &MobileDeviceInput) -> Result<MobileDevice> {
        tx(self, |c| self.create_mobile_device_in(c, input))
    }

    pub(crate) fn create_mobile_device_in(
        &self,
        c: &Tx,
        input: &MobileDeviceInput,
    ) -> Result<MobileDevice> {
        self.save_mobile_device(c, At::New, input)
    }

    pub fn update_mobile_device(
        &self,
        id: i64,
        version: i64,
        input: &MobileDeviceInput,
    ) -> Result<MobileDevice> {
        tx(self, |c| {
            self.save_mobile_device(c, At::Row { id, version }, input)
        })
    }

    fn save_mobile_device(
        &self,
        c: &Tx,
        at: At,
        input: &MobileDeviceInput,
    ) -> Result<MobileDevice> {
        let v = input.validate()?;
        rows::check_unique(c, Entity::MobileDevice, "name", &v.name, at.id())?;
        refs(
            c,
            &[
                (Entity::Account, "account_id", v.account_id),
                (Entity::User, "user_id", v.user_id),
            ],
        )?;
        let id = rows::save(c, Entity::MobileDevice, at, mobile::cols(&v))?;
        mobile::get(c, id)
    }

    pub fn delete_mobile_device(&self, id: i64, version: Option<i64>) -> Result<Removed> {
        self.remove(Entity::MobileDevice, id, version, None, nobody)
    }

    /// Records that `method` was used for the device: a new entry, or the entry of that name
    /// brought up to date (account, method, date, who).
    fn record_device(
        &self,
        note: &Option<DeviceNote>,
        account_id: i64,
        method: ProvisionMethod,
    ) -> Result<Option<MobileDevice>> {
        let Some(n) = note else { return Ok(None) };
        tx(self, |c| {
            let existing = mobile::by_name(c, n.name.trim())?;
            let mut input = match existing {
                Some((id, _)) => MobileDeviceInput::from(&mobile::get(c, id)?),
                None => MobileDeviceInput::default(),
            };
            input.name = n.name.clone();
            input.platform = n.platform;
            input.user_id = n.user_id.or(input.user_id);
            input.account_id = Some(account_id);
            input.method = method;
            input.set_up_at = String::new();
            input.set_up_by = os_user();
            let at = match existing {
                Some((id, version)) => At::Row { id, version },
                None => At::New,
            };
            self.save_mobile_device(c, at, &input).map(Some)
        })
    }

    /// Checks a device note before anything is produced, so a bad name refuses the whole
    /// operation instead of leaving a file without its record.
    fn check_note(&self, note: &Option<DeviceNote>, account_id: i64) -> Result<()> {
        if let Some(n) = note {
            let input = MobileDeviceInput {
                name: n.name.clone(),
                account_id: Some(account_id),
                ..Default::default()
            };
            // The device's name is the `device` field of the operation.
            input.validate().map_err(|e| match e {
                Error::Validation(v) => Error::Validation(
                    v.into_iter()
                        .map(|mut i| {
                            if i.field == "name" {
                                i.field = "device";
                            }
                            i
                        })
                        .collect(),
                ),
                e => e,
            })?;
        }
        Ok(())
    }

    // ---- what a device gets -----------------------------------------------------------

    /// The account as a device sees it; the password(s) only when asked for.
    pub fn provision_target(&self, account_id: i64, with_password: bool) -> Result<Target> {
        let a = self.get_account(account_id)?;
        let incoming = a
            .incoming_server_id
            .map(|id| self.get_server(id))
            .transpose()?;
        let out_id = self.effective_outgoing(account_id)?.server_id;
        let outgoing = out_id.map(|id| self.get_outgoing(id)).transpose()?;
        let m365_provider = match incoming.as_ref().and_then(|s| s.oauth_provider_id) {
            Some(p) => self.get_oauth_provider(p)?.kind == ProviderKind::Microsoft365,
            None => false,
        };
        let mut t = Target::new(&a, incoming.as_ref(), outgoing.as_ref(), m365_provider)?;
        if with_password && !t.uses_oauth() {
            let pw = self
                .account_password(account_id)?
                .ok_or_else(|| Error::field("with_password", FieldCode::PasswordNotStored))?;
            t.password = Some(Secret::new(pw));
            if let (false, Some(sid)) = (t.same_login(), out_id) {
                if t.outgoing.login != provision::Login::None {
                    t.outgoing_password = self.outgoing_password(sid)?.map(Secret::new);
                }
            }
        }
        Ok(t)
    }

    fn organization(&self, account_id: i64) -> String {
        self.get_account(account_id)
            .ok()
            .and_then(|a| a.company_id)
            .and_then(|c| self.get_company(c).ok())
            .map(|c| c.name)
            .unwrap_or_else(|| "Mailbox Admin".into())
    }

    /// The Apple configuration profile of an account (`.mobileconfig`), signed if asked.
    pub fn mobile_profile(&self, account_id: i64, opts: &ProfileOptions) -> Result<ProducedFile> {
        self.check_note(&opts.device, account_id)?;
        let signer = opts
            .certificate_id
            .map(|id| self.signing_cert(id))
            .transpose()?;
        let t = self.provision_target(account_id, opts.with_password)?;
        let plist = apple::profile(&t, &self.organization(account_id))?;
        let bytes = match &signer {
            Some((format, stored, kind, secret)) => sign::sign(
                &plist,
                &sign::SigningCert {
                    format: *format,
                    stored,
                    secret_kind: *kind,
                    secret: secret.clone(),
                },
            )?,
            None => plist,
        };
        let mut f = file(
            format!("{}.mobileconfig", stem(&t.email)),
            "application/x-apple-aspen-config",
            &bytes,
        );
        f.contains_password = t.password.is_some();
        f.signed = signer.is_some();
        f.device = self.record_device(&opts.device, account_id, ProvisionMethod::Profile)?;
        Ok(f)
    }

    /// The certificate `id` with its key material, refused when it cannot sign: no private
    /// key, not valid now.
    fn signing_cert(
        &self,
        id: i64,
    ) -> Result<(CertFormat, Vec<u8>, CertSecretKind, Option<Secret>)> {
        let c = self.get_certificate(id).map_err(|e| match e {
            Error::NotFound { .. } => {
                Error::Validation(vec![
                    FieldIssue::new("certificate", FieldCode::MissingRef).arg("id", id.to_string())
                ])
            }
            e => e,
        })?;
        if !c.has_private_key || c.secret_kind == CertSecretKind::None {
            return Err(Error::field("certificate", FieldCode::CertificateNoKey));
        }
        let now = crate::clock::now();
        if c.days_left < 0 || c.not_after < now || c.not_before > now {
            return Err(Error::Validation(vec![FieldIssue::new(
                "certificate",
                FieldCode::CertificateExpired,
            )
            .arg("not_after", c.not_after.clone())]));
        }
        let (stored, r) = {
            let db = self.db();
            let c = db.read();
            (
                certs::data(c, id)?,
                rows::secret_ref(c, Entity::Certificate, "secret", id)?,
            )
        };
        let secret = self.read_secret(r)?.map(Secret::new);
        if secret.is_none() {
            return Err(Error::field("certificate", FieldCode::CertificateNoKey));
        }
        Ok((c.format, stored, c.secret_kind, secret))
    }

    /// A QR code for the account, as SVG (for the window) and PNG.
    pub fn mobile_qr(&self, account_id: i64, opts: &QrOptions) -> Result<QrCodeOut> {
        self.check_note(&opts.device, account_id)?;
        let t = self.provision_target(account_id, opts.with_password)?;
        let text = match opts.format {
            QrFormat::Thunderbird => qr::thunderbird(&t)?,
            QrFormat::Dclogin => qr::dclogin(&t)?,
        };
        let svg = qr::svg(&text, 320)?;
        let png = qr::png(&text, 8)?;
        let device = self.record_device(&opts.device, account_id, ProvisionMethod::Qr)?;
        Ok(QrCodeOut {
            format: opts.format,
            chars: text.chars().count() as u32,
            svg,
            png_base64: B64.encode(png),
            contains_password: t.password.is_some(),
            device,
        })
    }

    /// The autoconfig file for the domain of the account's address.
    pub fn mobile_autoconfig(&self, account_id: i64) -> Result<AutoconfigOut> {
        let t = self.provision_target(account_id, false)?;
        let domain = t.domain();
        let a = autoconfig::build(&t, &self.organization(account_id));
        Ok(AutoconfigOut {
            urls: autoconfig::publication_urls(&domain).to_vec(),
            domain,
            xml: a.xml,
            username_placeholder: a.username_placeholder,
            account_id,
        })
    }

    /// The autoconfig file for `domain`, from the first account (by name) with an address
    /// there whose servers a device can use.
    pub fn mobile_autoconfig_for_domain(&self, domain: &str) -> Result<AutoconfigOut> {
        let d = domain.trim().trim_start_matches('@').to_lowercase();
        let mut first_err = None;
        for a in self.list_accounts("")? {
            if provision::domain_of(&a.email) != d {
                continue;
            }
            match self.mobile_autoconfig(a.id) {
                Ok(out) => return Ok(out),
                Err(e) => {
                    first_err.get_or_insert(e);
                }
            }
        }
        Err(first_err.unwrap_or_else(|| {
            Error::Validation(vec![
                FieldIssue::new("domain", FieldCode::DomainUnknown).arg("domain", d)
            ])
        }))
    }

    /// Whether the account's autoconfig is published at both URLs of its domain (HTTPS with the
    /// TLS configuration of every connection; no redirects followed).
    pub async fn check_autoconfig(&self, account_id: i64) -> Result<Vec<PublicationCheck>> {
        let out = self.mobile_autoconfig(account_id)?;
        let host = self.provision_target(account_id, false)?.incoming.host;
        Ok(self.check_autoconfig_urls(&out.urls, &host).await)
    }

    /// Fetches each URL and says whether it serves an autoconfig naming `host`.
    pub async fn check_autoconfig_urls(
        &self,
        urls: &[String],
        host: &str,
    ) -> Vec<PublicationCheck> {
        let http = self.oauth_http();
        let mut out = Vec::new();
        for url in urls {
            out.push(match http.get_text(url).await {
                Ok((status, body)) => {
                    let body = String::from_utf8_lossy(&body);
                    let published = status == 200 && autoconfig::publishes(&body, host);
                    let problem = (!published).then(|| {
                        let key = if status == 200 {
                            "mobile.autoconfig_other"
                        } else {
                            "mobile.autoconfig_status"
                        };
                        crate::i18n::tr(self.lang(), key, &[("status", status.to_string())])
                    });
                    PublicationCheck {
                        url: url.clone(),
                        published,
                        status: Some(status),
                        problem,
                    }
                }
                Err(f) => PublicationCheck {
                    url: url.clone(),
                    published: false,
                    status: None,
                    problem: Some(self.api_error(&Error::Oauth(f)).message),
                },
            });
        }
        out
    }
}
