//! QR codes for on-site set-up: Thunderbird for Android's account import (the JSON that
//! Thunderbird desktop's "Export for mobile" shows, `QRExport.sys.mjs`) and Delta Chat's
//! `dclogin:` URI; rendered as SVG (for the window) and PNG.

use super::{refuse, Endpoint, Login, Target, Tls};
use crate::diag::FieldCode;
use crate::error::{Error, FieldIssue, Result};
use qrcode::{EcLevel, QrCode};

/// What Thunderbird for Android reads in one code (its own limit, with error correction L).
pub const THUNDERBIRD_MAX_CHARS: usize = 800;

fn tb_security(t: Tls) -> u8 {
    match t {
        Tls::Starttls => 2,
        Tls::Implicit => 3,
    }
}

fn tb_auth(l: Login) -> u8 {
    match l {
        Login::None => 0,
        Login::Password => 1,
        Login::CramMd5 => 2,
        Login::Ntlm => 4,
        Login::Oauth2 => 6,
    }
}

/// No line breaks in the strings of the import format.
fn one_line(s: &str) -> String {
    s.replace(['\r', '\n'], " ")
}

fn server(protocol: u8, e: &Endpoint) -> Vec<serde_json::Value> {
    vec![
        protocol.into(),
        e.host.clone().into(),
        e.port.into(),
        tb_security(e.tls).into(),
        tb_auth(e.login).into(),
        one_line(&e.username).into(),
    ]
}

/// `[1,[1,1],INCOMING,[[OUTGOING,[email,name]]]]`; passwords only when `t` carries them.
pub fn thunderbird(t: &Target) -> Result<String> {
    let ascii = [&t.email, &t.incoming.username, &t.outgoing.username];
    if ascii.iter().any(|s| !s.is_ascii()) {
        return Err(refuse("email", FieldCode::AsciiOnly, "Thunderbird"));
    }
    let mut incoming = server(u8::from(t.pop3), &t.incoming);
    incoming.push(one_line(&t.account_name).into());
    let mut outgoing = server(0, &t.outgoing);
    if let Some(pw) = &t.password {
        incoming.push(pw.expose().clone().into());
        let out_pw = if t.same_login() {
            Some(pw)
        } else {
            t.outgoing_password.as_ref()
        };
        if let Some(p) = out_pw {
            outgoing.push(p.expose().clone().into());
        }
    }
    let identity = vec![
        serde_json::Value::from(t.email.clone()),
        one_line(&t.sender_name).into(),
    ];
    let doc = serde_json::json!([1, [1, 1], incoming, [[outgoing, identity]]]);
    let text = doc.to_string();
    let len = text.chars().count();
    if len > THUNDERBIRD_MAX_CHARS {
        return Err(Error::Validation(vec![FieldIssue::new(
            "format",
            FieldCode::QrTooLong,
        )
        .arg("len", len.to_string())
        .arg("max", THUNDERBIRD_MAX_CHARS.to_string())]));
    }
    Ok(text)
}

/// Percent-encoding of a query value or the address (RFC 3986 unreserved kept, plus `@`).
fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `dclogin:ADDR?p=PW&v=1&ih=…` — Delta Chat speaks IMAP only, no OAuth through this URI,
/// and the URI must carry the password (`p` is required by its parser).
pub fn dclogin(t: &Target) -> Result<String> {
    if t.pop3 {
        return Err(refuse("format", FieldCode::FormatImapOnly, "Delta Chat"));
    }
    if t.uses_oauth() {
        return Err(refuse("format", FieldCode::FormatNoOauth, "Delta Chat"));
    }
    let Some(pw) = &t.password else {
        return Err(refuse(
            "with_password",
            FieldCode::PasswordRequired,
            "Delta Chat",
        ));
    };
    let sec = |e: &Endpoint| match e.tls {
        Tls::Implicit => "ssl",
        Tls::Starttls => "starttls",
    };
    let mut q = vec![
        ("p", pw.expose().clone()),
        ("v", "1".into()),
        ("ih", t.incoming.host.clone()),
        ("ip", t.incoming.port.to_string()),
        ("iu", t.incoming.username.clone()),
        ("is", sec(&t.incoming).into()),
        ("sh", t.outgoing.host.clone()),
        ("sp", t.outgoing.port.to_string()),
        ("ss", sec(&t.outgoing).into()),
    ];
    if t.outgoing.login != Login::None {
        q.push(("su", t.outgoing.username.clone()));
        if !t.same_login() {
            if let Some(p) = &t.outgoing_password {
                q.push(("spw", p.expose().clone()));
            }
        }
    }
    let query: Vec<String> = q.iter().map(|(k, v)| format!("{k}={}", enc(v))).collect();
    Ok(format!("dclogin:{}?{}", enc(&t.email), query.join("&")))
}

fn code(text: &str) -> Result<QrCode> {
    QrCode::with_error_correction_level(text.as_bytes(), EcLevel::L).map_err(|e| {
        Error::Validation(vec![FieldIssue::new("format", FieldCode::QrTooLong)
            .arg("len", text.chars().count().to_string())
            .arg("max", format!("QR: {e}"))])
    })
}

/// The code as SVG (black on white, with the quiet zone), at least `size` pixels wide.
pub fn svg(text: &str, size: u32) -> Result<String> {
    Ok(code(text)?
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(size, size)
        .build())
}

/// The code as a grayscale PNG: `scale` pixels per module, a quiet zone of four modules.
pub fn png(text: &str, scale: u32) -> Result<Vec<u8>> {
    let c = code(text)?;
    let n = c.width() as u32;
    let colors = c.to_colors();
    let quiet = 4;
    let side = (n + 2 * quiet) * scale;
    let mut pixels = vec![255u8; (side * side) as usize];
    for (i, color) in colors.iter().enumerate() {
        if *color != qrcode::Color::Dark {
            continue;
        }
        let (mx, my) = (i as u32 % n, i as u32 / n);
        for dy in 0..scale {
            let y = (my + quiet) * scale + dy;
            let row = (y * side) as usize;
            let x0 = ((mx + quiet) * scale) as usize;
            pixels[row + x0..row + x0 + scale as usize].fill(0);
        }
    }
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, side, side);
    enc.set_color(png::ColorType::Grayscale);
    enc.set_depth(png::BitDepth::Eight);
    let io = |e: png::EncodingError| Error::Io(std::io::Error::other(e.to_string()));
    let mut w = enc.write_header().map_err(io)?;
    w.write_image_data(&pixels).map_err(io)?;
    w.finish().map_err(io)?;
    Ok(out)
}
