//! `mbadmin mobile profile|qr|autoconfig|check|list|show|rm`: what a phone or tablet gets for
//! an account, written whole or not at all, and the mobile accounts (Mobile-Konten).

use crate::crud::{self, Devices, Search, R};
use crate::{fmt, Output};
use clap::{Args, Subcommand, ValueEnum};
use mailbox_admin_core::app::mobile::*;
use mailbox_admin_core::diag::FieldCode;
use mailbox_admin_core::error::{Entity, FieldIssue};
use mailbox_admin_core::model::DevicePlatform;
use mailbox_admin_core::{paths, App, Error};
use std::path::{Path, PathBuf};

#[derive(Subcommand)]
pub enum Cmd {
    /// Apple configuration profile (.mobileconfig) for iPhone, iPad and Mac.
    Profile {
        #[arg(value_name = "ACCOUNT")]
        account: String,
        #[arg(long, short)]
        out: PathBuf,
        /// Sign with this certificate of the store (name); iOS then shows it as verified.
        #[arg(long, value_name = "CERT")]
        sign: Option<String>,
        /// Put the password into the profile: anyone holding the file can read it (the file
        /// is written owner-only).
        #[arg(long)]
        with_password: bool,
        #[command(flatten)]
        device: DeviceArgs,
    },
    /// QR code (PNG or SVG by the file name): Thunderbird for Android or Delta Chat.
    Qr {
        #[arg(value_name = "ACCOUNT")]
        account: String,
        #[arg(long, value_enum, default_value = "thunderbird")]
        format: FormatArg,
        #[arg(long, short, value_name = "FILE.png|FILE.svg")]
        out: PathBuf,
        /// Put the password into the code (Delta Chat needs it): anyone who sees the code can
        /// read it.
        #[arg(long)]
        with_password: bool,
        #[command(flatten)]
        device: DeviceArgs,
    },
    /// Thunderbird autoconfig (config-v1.1.xml) for the domain of an account, or a domain.
    Autoconfig {
        #[arg(value_name = "ACCOUNT|DOMAIN")]
        target: String,
        #[arg(long, short)]
        out: PathBuf,
    },
    /// Whether the autoconfig of an account's domain is published at both URLs (HTTPS).
    Check {
        #[arg(value_name = "ACCOUNT")]
        account: String,
    },
    /// Mobile accounts (Mobile-Konten): the devices set up.
    #[command(alias = "ls")]
    List(Search),
    Show {
        #[arg(value_name = "DEVICE")]
        name: String,
    },
    #[command(alias = "remove", alias = "delete")]
    Rm {
        #[arg(value_name = "DEVICE")]
        name: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum FormatArg {
    Thunderbird,
    Dclogin,
}

crate::common::mirror!(PlatformArg => DevicePlatform { Ios, Android, Desktop, Other });

/// Records the device in Mobile-Konten (by name: an existing entry is brought up to date).
#[derive(Args)]
pub struct DeviceArgs {
    /// The device set up (recorded in the mobile accounts).
    #[arg(long, value_name = "NAME")]
    device: Option<String>,
    #[arg(long, value_enum, requires = "device")]
    platform: Option<PlatformArg>,
    /// The user of the device (login).
    #[arg(long, requires = "device")]
    user: Option<String>,
}

impl DeviceArgs {
    fn note(self, app: &App, default: DevicePlatform) -> R<Option<DeviceNote>> {
        let Some(name) = self.device else {
            return Ok(None);
        };
        let user_id = match self.user {
            Some(u) => Some(crate::common::find(app, Entity::User, &u)?),
            None => None,
        };
        Ok(Some(DeviceNote {
            name,
            platform: self.platform.map(Into::into).unwrap_or(default),
            user_id,
        }))
    }
}

fn write(app: &App, out: &Path, bytes: &[u8], private: bool) -> R<()> {
    paths::write_replacing(out, bytes, private).map_err(|e| {
        app.api_error(&Error::Io(std::io::Error::other(format!(
            "{}: {e}",
            out.display()
        ))))
    })
}

fn produced(out: &Path, bytes: usize, password: bool, extra: serde_json::Value) -> Output {
    let mut human = format!("written: {} ({bytes} bytes)", out.display());
    if password {
        human.push_str("\ncontains the password: anyone holding it can read it");
    }
    let mut json =
        serde_json::json!({ "file": out, "bytes": bytes, "contains_password": password });
    if let (Some(j), Some(e)) = (json.as_object_mut(), extra.as_object()) {
        j.extend(e.clone());
    }
    Output::new(&json, human)
}

fn b64(s: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(s)
        .unwrap_or_default()
}

pub fn run(app: &App, cmd: Cmd) -> R<Output> {
    let err = |e: Error| app.api_error(&e);
    let account = |name: &str| crate::common::find(app, Entity::Account, name);
    match cmd {
        Cmd::Profile {
            account: a,
            out,
            sign,
            with_password,
            device,
        } => {
            let id = account(&a)?;
            let certificate_id = match sign {
                Some(c) => Some(crate::common::find(app, Entity::Certificate, &c)?),
                None => None,
            };
            let opts = ProfileOptions {
                with_password,
                certificate_id,
                device: device.note(app, DevicePlatform::Ios)?,
            };
            let f = app.mobile_profile(id, &opts).map_err(err)?;
            let bytes = b64(&f.data_base64);
            write(app, &out, &bytes, f.contains_password)?;
            Ok(produced(
                &out,
                bytes.len(),
                f.contains_password,
                serde_json::json!({ "signed": f.signed, "device": f.device }),
            ))
        }
        Cmd::Qr {
            account: a,
            format,
            out,
            with_password,
            device,
        } => {
            let ext = out
                .extension()
                .map(|e| e.to_string_lossy().to_lowercase())
                .unwrap_or_default();
            if ext != "png" && ext != "svg" {
                return Err(err(Error::Validation(vec![FieldIssue::new(
                    "out",
                    FieldCode::FileExtension,
                )
                .arg("allowed", ".png, .svg")])));
            }
            let id = account(&a)?;
            let opts = QrOptions {
                format: match format {
                    FormatArg::Thunderbird => QrFormat::Thunderbird,
                    FormatArg::Dclogin => QrFormat::Dclogin,
                },
                with_password,
                device: device.note(app, DevicePlatform::Android)?,
            };
            let q = app.mobile_qr(id, &opts).map_err(err)?;
            let bytes = if ext == "png" {
                b64(&q.png_base64)
            } else {
                q.svg.into_bytes()
            };
            write(app, &out, &bytes, q.contains_password)?;
            Ok(produced(
                &out,
                bytes.len(),
                q.contains_password,
                serde_json::json!({ "chars": q.chars, "device": q.device }),
            ))
        }
        Cmd::Autoconfig { target, out } => {
            let a = match app.resolve(Entity::Account, &target) {
                Ok(id) => app.mobile_autoconfig(id),
                Err(_) if target.contains('.') && !target.contains('@') => {
                    app.mobile_autoconfig_for_domain(&target)
                }
                Err(e) => Err(e),
            }
            .map_err(err)?;
            write(app, &out, a.xml.as_bytes(), false)?;
            let mut o = produced(
                &out,
                a.xml.len(),
                false,
                serde_json::json!({ "domain": a.domain, "urls": a.urls,
                    "username_placeholder": a.username_placeholder }),
            );
            o.human
                .push_str(&format!("\npublish at:\n  {}", a.urls.join("\n  ")));
            if !a.username_placeholder {
                o.human.push_str(
                    "\nnote: the account's username fits no placeholder; users must correct it",
                );
            }
            Ok(o)
        }
        Cmd::Check { account: a } => {
            let id = account(&a)?;
            let cancel = Default::default();
            let checks = crate::probe::block_on(&cancel, app.check_autoconfig(id))?.map_err(err)?;
            let human = checks
                .iter()
                .map(|c| match (&c.problem, c.published) {
                    (_, true) => format!("published: {}", c.url),
                    (Some(p), false) => format!("missing:   {} ({p})", c.url),
                    (None, false) => format!("missing:   {}", c.url),
                })
                .collect::<Vec<_>>()
                .join("\n");
            let mut o = Output::new(&checks, human);
            o.failed = checks.iter().any(|c| !c.published);
            Ok(o)
        }
        Cmd::List(Search { search }) => crud::list::<Devices>(
            app,
            &search,
            &[
                "name",
                "platform",
                "account_name",
                "method",
                "set_up_at",
                "set_up_by",
            ],
        ),
        Cmd::Show { name } => {
            let d = crud::lookup::<Devices>(app, &name)?;
            Ok(Output::new(&d, fmt::record(&d)))
        }
        Cmd::Rm { name } => crud::remove::<Devices>(app, &crud::lookup::<Devices>(app, &name)?),
    }
}
