//! Known answers of mail providers, as data: a pattern on the code and the text of an answer →
//! a diagnosis code, the provider's explanation and the exact fix (German, English), and the
//! provider's documentation page it comes from. `answer::classify` looks here first.
//!
//! Each entry carries recorded answers (`examples`) that the tests replay through the real
//! protocol code. Add an entry only with its source and a recorded answer.
//!
//! Not here, on purpose: GMX and WEB.DE answer a login with IMAP/POP3 switched off exactly
//! like a wrong password (`-ERR authentication failed`, `NO … authentication failed`), so no
//! pattern can tell them apart — the general `auth.failed` fix names their switch; T-Online,
//! IONOS, Strato, mailbox.org and Posteo run servers whose refusals carry the standard codes
//! (`answer.rs` reads them); no characteristic answer of theirs was found to record.

use super::answer::{Stage, Wire};
use crate::diag::DiagnosisCode;

/// One known provider answer.
#[derive(Debug)]
pub(crate) struct ProviderAnswer {
    /// Stable name of the entry, for the tests.
    #[cfg_attr(not(test), allow(dead_code))]
    pub id: &'static str,
    pub provider: &'static str,
    pub wires: &'static [Wire],
    /// Text that must appear in the answer (case-insensitive), e.g. an enhanced status code.
    pub all: &'static [&'static str],
    /// Of these, at least one must appear as well (empty: no such condition).
    pub any: &'static [&'static str],
    pub code: DiagnosisCode,
    /// (German, English).
    pub explanation: (&'static str, &'static str),
    pub fix: (&'static str, &'static str),
    /// The provider's documentation page.
    pub source: &'static str,
    /// Recorded answers: the protocol, the command they answer, the lines as sent.
    #[cfg_attr(not(test), allow(dead_code))]
    pub examples: &'static [(Wire, Stage, &'static str)],
}

impl ProviderAnswer {
    fn matches(&self, wire: Wire, low: &str) -> bool {
        self.wires.contains(&wire)
            && self.all.iter().all(|w| low.contains(w))
            && (self.any.is_empty() || self.any.iter().any(|w| low.contains(w)))
    }
}

/// The first entry that matches the answer `said` (whole, as the server sent it).
pub(crate) fn find(wire: Wire, said: &str) -> Option<&'static ProviderAnswer> {
    let low = said.to_lowercase();
    PROVIDER_ANSWERS.iter().find(|p| p.matches(wire, &low))
}

const M365_SMTP_AUTH: &str =
    "https://learn.microsoft.com/en-us/exchange/clients-and-mobile-in-exchange-online/authenticated-client-smtp-submission";

/// Specific entries before general ones: the first match wins.
pub(crate) static PROVIDER_ANSWERS: &[ProviderAnswer] = &[
    ProviderAnswer {
        id: "m365.smtp_auth_disabled",
        provider: "Microsoft 365",
        wires: &[Wire::Smtp],
        all: &["5.7.139", "smtpclientauthentication is disabled"],
        any: &[],
        code: DiagnosisCode::AuthAccessDisabled,
        explanation: (
            "Microsoft 365 lässt für dieses Postfach bzw. den ganzen Mandanten keine Anmeldung per SMTP AUTH zu („SmtpClientAuthentication is disabled“). Das Passwort wurde nicht geprüft.",
            "Microsoft 365 allows no SMTP AUTH login for this mailbox or the whole tenant (\"SmtpClientAuthentication is disabled\"). The password was not checked.",
        ),
        fix: (
            "Im Microsoft 365 Admin Center: Benutzer → Aktive Benutzer → (Postfach) → E-Mail → E-Mail-Apps verwalten → „Authentifiziertes SMTP“ einschalten; für den Mandanten im Exchange Admin Center: Einstellungen → E-Mail-Fluss → „SMTP AUTH-Protokoll für Ihre Organisation deaktivieren“ ausschalten. Per PowerShell: Set-CASMailbox -Identity <Postfach> -SmtpClientAuthenticationDisabled $false (Mandant: Set-TransportConfig -SmtpClientAuthenticationDisabled $false). Besser auf Dauer: Authentifizierung OAuth2.",
            "In the Microsoft 365 admin center: Users → Active users → (mailbox) → Mail → Manage email apps → turn on \"Authenticated SMTP\"; for the tenant in the Exchange admin center: Settings → Mail flow → clear \"Turn off SMTP AUTH protocol for your organization\". In PowerShell: Set-CASMailbox -Identity <mailbox> -SmtpClientAuthenticationDisabled $false (tenant: Set-TransportConfig -SmtpClientAuthenticationDisabled $false). Better in the long run: OAuth2 authentication.",
        ),
        source: M365_SMTP_AUTH,
        examples: &[(
            Wire::Smtp,
            Stage::Login,
            "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information. [FR0P281CA0012.DEUP281.PROD.OUTLOOK.COM]",
        )],
    },
    ProviderAnswer {
        id: "m365.security_defaults",
        provider: "Microsoft 365",
        wires: &[Wire::Smtp],
        all: &["security defaults"],
        any: &[],
        code: DiagnosisCode::AuthAccessDisabled,
        explanation: (
            "Die Sicherheitsstandards (Security Defaults) von Microsoft Entra ID sperren für diesen Mandanten die Anmeldung mit Benutzer und Passwort (Standardauthentifizierung) per SMTP AUTH.",
            "Microsoft Entra ID's security defaults block the login with user and password (basic authentication) over SMTP AUTH for this tenant.",
        ),
        fix: (
            "Authentifizierung auf OAuth2 umstellen (Konto verbinden). Nur wenn das nicht geht: Im Microsoft Entra Admin Center unter Identität → Übersicht → Eigenschaften → Sicherheitsstandards verwalten die Sicherheitsstandards abschalten und stattdessen Richtlinien für bedingten Zugriff einrichten.",
            "Switch the authentication to OAuth2 (connect the account). Only if that is impossible: in the Microsoft Entra admin center, Identity → Overview → Properties → Manage security defaults, turn security defaults off and set up Conditional Access policies instead.",
        ),
        source: "https://learn.microsoft.com/en-us/entra/fundamentals/security-defaults",
        examples: &[(
            Wire::Smtp,
            Stage::Login,
            "535 5.7.139 Authentication unsuccessful, user is locked by your organization's security defaults policy. Contact your administrator. [BE1P281CA0123.DEUP281.PROD.OUTLOOK.COM]",
        )],
    },
    ProviderAnswer {
        id: "m365.basic_auth_disabled",
        provider: "Microsoft 365",
        wires: &[Wire::Smtp],
        all: &["basic authentication is disabled"],
        any: &[],
        code: DiagnosisCode::AuthAccessDisabled,
        explanation: (
            "Exchange Online nimmt für dieses Konto keine Standardauthentifizierung (Benutzer und Passwort) mehr an; Microsoft schaltet sie für SMTP AUTH, IMAP und POP3 ab.",
            "Exchange Online no longer accepts basic authentication (user and password) for this account; Microsoft is turning it off for SMTP AUTH, IMAP and POP3.",
        ),
        fix: (
            "Unter „Authentifizierung“ OAuth2 wählen und das Konto mit Microsoft 365 verbinden (Berechtigungen IMAP.AccessAsUser.All, POP.AccessAsUser.All bzw. SMTP.Send).",
            "Choose OAuth2 under \"Authentication\" and connect the account to Microsoft 365 (permissions IMAP.AccessAsUser.All, POP.AccessAsUser.All or SMTP.Send).",
        ),
        source: "https://learn.microsoft.com/en-us/exchange/clients-and-mobile-in-exchange-online/deprecation-of-basic-authentication-exchange-online",
        examples: &[(
            Wire::Smtp,
            Stage::Login,
            "535 5.7.139 Authentication unsuccessful, basic authentication is disabled. [ZR0P278CA0031.CHEP278.PROD.OUTLOOK.COM]",
        )],
    },
    ProviderAnswer {
        id: "m365.criteria_not_met",
        provider: "Microsoft 365",
        wires: &[Wire::Smtp],
        all: &["5.7.139", "did not meet the criteria"],
        any: &[],
        code: DiagnosisCode::AuthFailed,
        explanation: (
            "Microsoft 365 hat die Anmeldung abgelehnt: Das Passwort ist falsch, das Konto verlangt Mehrstufige Authentifizierung, oder eine Richtlinie für bedingten Zugriff blockiert die Standardauthentifizierung.",
            "Microsoft 365 rejected the login: the password is wrong, the account requires multi-factor authentication, or a Conditional Access policy blocks basic authentication.",
        ),
        fix: (
            "Passwort prüfen; hat das Konto MFA oder blockiert bedingter Zugriff die Standardauthentifizierung, Authentifizierung auf OAuth2 umstellen. Für das Postfach muss „Authentifiziertes SMTP“ eingeschaltet sein (Microsoft 365 Admin Center → Aktive Benutzer → E-Mail → E-Mail-Apps verwalten).",
            "Check the password; if the account has MFA or Conditional Access blocks basic authentication, switch the authentication to OAuth2. \"Authenticated SMTP\" must be on for the mailbox (Microsoft 365 admin center → Active users → Mail → Manage email apps).",
        ),
        source: M365_SMTP_AUTH,
        examples: &[(
            Wire::Smtp,
            Stage::Login,
            "535 5.7.139 Authentication unsuccessful, the request did not meet the criteria to be authenticated successfully. Contact your administrator. [FR2P281CA0044.DEUP281.PROD.OUTLOOK.COM]",
        )],
    },
    ProviderAnswer {
        id: "m365.not_authenticated",
        provider: "Microsoft 365",
        wires: &[Wire::Smtp],
        all: &["5.7.57"],
        any: &[],
        code: DiagnosisCode::SmtpAuthRequired,
        explanation: (
            "smtp.office365.com nimmt Mail nur nach einer Anmeldung an („Client not authenticated“). Ohne Anmeldung kann nur der MX-Endpunkt des Mandanten (Direktversand/SMTP-Relay über einen Connector) Mail an eigene Empfänger annehmen.",
            "smtp.office365.com only accepts mail after a login (\"Client not authenticated\"). Without a login only the tenant's MX endpoint (direct send / SMTP relay through a connector) accepts mail to its own recipients.",
        ),
        fix: (
            "Authentifizierung mit dem Postfach des Absenders einschalten (Port 587, STARTTLS), und für das Postfach „Authentifiziertes SMTP“ erlauben – oder ohne Anmeldung den MX-Endpunkt (<domain>.mail.protection.outlook.com, Port 25) mit einem Connector für die feste IP-Adresse verwenden.",
            "Turn on authentication with the sender's mailbox (port 587, STARTTLS) and allow \"Authenticated SMTP\" for the mailbox – or, without a login, use the MX endpoint (<domain>.mail.protection.outlook.com, port 25) with a connector for the fixed IP address.",
        ),
        source: "https://learn.microsoft.com/en-us/exchange/mail-flow-best-practices/how-to-set-up-a-multifunction-device-or-application-to-send-email-using-microsoft-365-or-office-365",
        examples: &[(
            Wire::Smtp,
            Stage::MailFrom,
            "530 5.7.57 Client was not authenticated to send anonymous mail during MAIL FROM [FR3P281CA0066.DEUP281.PROD.OUTLOOK.COM]",
        )],
    },
    ProviderAnswer {
        id: "m365.send_as_denied",
        provider: "Microsoft 365",
        wires: &[Wire::Smtp],
        all: &["5.7.60"],
        any: &[],
        code: DiagnosisCode::SmtpSenderRejected,
        explanation: (
            "Der angemeldete Benutzer darf nicht als diese Absenderadresse senden: Ihm fehlt die Berechtigung „Senden als“ für das Postfach der Absenderadresse.",
            "The logged-in user may not send as this sender address: it lacks the \"Send As\" permission on the sender address's mailbox.",
        ),
        fix: (
            "Im Exchange Admin Center: Empfänger → Postfächer → (Postfach der Absenderadresse) → Delegierung → „Senden als“ → den Anmeldebenutzer hinzufügen; per PowerShell: Add-RecipientPermission -Identity <Absenderadresse> -Trustee <Anmeldename> -AccessRights SendAs. Oder als Absender die Adresse des angemeldeten Postfachs eintragen.",
            "In the Exchange admin center: Recipients → Mailboxes → (the sender address's mailbox) → Delegation → \"Send as\" → add the login user; in PowerShell: Add-RecipientPermission -Identity <sender address> -Trustee <login name> -AccessRights SendAs. Or use the logged-in mailbox's address as the sender.",
        ),
        source: "https://learn.microsoft.com/en-us/exchange/recipients-in-exchange-online/manage-permissions-for-recipients",
        examples: &[(
            Wire::Smtp,
            Stage::Data,
            "550 5.7.60 SMTP; Client does not have permissions to send as this sender. [FR4P281MB3510.DEUP281.PROD.OUTLOOK.COM 2026-11-30T10:12:44.123Z 08DD1234ABCD5678]",
        )],
    },
    ProviderAnswer {
        id: "m365.legacy_tls",
        provider: "Microsoft 365",
        wires: &[Wire::Smtp],
        all: &["4.7.66"],
        any: &[],
        code: DiagnosisCode::TlsLegacyVersion,
        explanation: (
            "Exchange Online lehnt Verbindungen mit TLS 1.0 und 1.1 ab. Das Programm bzw. Gerät, das diese Verbindung aufbaut, spricht kein TLS 1.2.",
            "Exchange Online refuses connections with TLS 1.0 and 1.1. The program or device that makes this connection does not speak TLS 1.2.",
        ),
        fix: (
            "TLS 1.2 im sendenden Programm bzw. Betriebssystem einschalten (Windows/.NET: SchUseStrongCrypto und SystemDefaultTlsVersions in der Registry) oder das Gerät aktualisieren. Übergangsweise: den Endpunkt smtp-legacy.office365.com verwenden und Set-TransportConfig -AllowLegacyTLSClients $true setzen.",
            "Enable TLS 1.2 in the sending program or operating system (Windows/.NET: SchUseStrongCrypto and SystemDefaultTlsVersions in the registry) or update the device. As a stopgap: use the endpoint smtp-legacy.office365.com and set Set-TransportConfig -AllowLegacyTLSClients $true.",
        ),
        source: "https://learn.microsoft.com/en-us/exchange/clients-and-mobile-in-exchange-online/opt-in-exchange-online-endpoint-for-legacy-tls-using-smtp-auth",
        examples: &[(
            Wire::Smtp,
            Stage::Login,
            "421 4.7.66 TLS 1.0 and 1.1 are not supported. Please upgrade/update your client to support TLS 1.2. Visit https://aka.ms/smtp_auth_tls. [FR0P281CA0099.DEUP281.PROD.OUTLOOK.COM]",
        )],
    },
    ProviderAnswer {
        id: "google.app_password",
        provider: "Google",
        wires: &[Wire::Smtp, Wire::Imap, Wire::Pop3],
        all: &["application-specific password required"],
        any: &[],
        code: DiagnosisCode::AuthAppPasswordRequired,
        explanation: (
            "Das Google-Konto ist mit Bestätigung in zwei Schritten geschützt: E-Mail-Programme melden sich dort nicht mit dem Kontopasswort an, sondern mit einem App-Passwort.",
            "The Google account is protected by 2-Step Verification: mail programs do not log in with the account password but with an app password.",
        ),
        fix: (
            "Unter myaccount.google.com → Sicherheit → App-Passwörter ein App-Passwort erzeugen und dieses (16 Zeichen, ohne Leerzeichen) als Passwort hinterlegen – oder Authentifizierung OAuth2 verwenden.",
            "Create an app password at myaccount.google.com → Security → App passwords and store it (16 characters, no spaces) as the password – or use OAuth2 authentication.",
        ),
        source: "https://support.google.com/accounts/answer/185833",
        examples: &[
            (
                Wire::Imap,
                Stage::Login,
                "NO [ALERT] Application-specific password required: https://support.google.com/accounts/answer/185833 (Failure)",
            ),
            (
                Wire::Smtp,
                Stage::Login,
                "534-5.7.9 Application-specific password required. For more information, go to\n534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor a640c23a62f3a-aa5b6e1234sm1234567ab.12 - gsmtp",
            ),
        ],
    },
    ProviderAnswer {
        id: "google.web_login",
        provider: "Google",
        wires: &[Wire::Smtp, Wire::Imap, Wire::Pop3],
        all: &[],
        any: &[
            "log in via your web browser",
            "log in with your web browser",
            "web login required",
            "p=weblogin",
        ],
        code: DiagnosisCode::AuthWebLoginRequired,
        explanation: (
            "Google hat die Anmeldung aus Sicherheitsgründen blockiert (neuer Ort, neues Gerät oder ein Programm, das Google als weniger sicher einstuft) und verlangt zuerst eine Anmeldung im Browser.",
            "Google blocked the login for security reasons (a new place, a new device or a program it considers less secure) and wants a sign-in in a browser first.",
        ),
        fix: (
            "Mit diesem Konto unter mail.google.com anmelden und die Sicherheitswarnung („Waren Sie das?“) bestätigen, dann erneut testen. Mit Bestätigung in zwei Schritten ein App-Passwort verwenden, sonst Authentifizierung OAuth2.",
            "Sign in at mail.google.com with this account and confirm the security alert (\"Was this you?\"), then test again. With 2-Step Verification use an app password, otherwise OAuth2 authentication.",
        ),
        source: "https://support.google.com/mail/answer/78754",
        examples: &[
            (
                Wire::Smtp,
                Stage::Login,
                "534-5.7.9 Please log in with your web browser and then try again. For more\n534-5.7.9 information, go to\n534 5.7.9  https://support.google.com/mail/?p=WebLoginRequired d75a77b69052e-46a3e8f1234si1234567qt.12 - gsmtp",
            ),
            (
                Wire::Imap,
                Stage::Login,
                "NO [ALERT] Please log in via your web browser: https://support.google.com/mail/accounts/answer/78754 (Failure)",
            ),
            (
                Wire::Imap,
                Stage::Login,
                "NO [WEBALERT https://accounts.google.com/signin/continue?sarp=1&scc=1&plt=AKgnsbs] Web login required.",
            ),
        ],
    },
    ProviderAnswer {
        id: "google.imap_disabled",
        provider: "Google",
        wires: &[Wire::Imap],
        all: &["not enabled for imap"],
        any: &[],
        code: DiagnosisCode::AuthAccessDisabled,
        explanation: (
            "Für dieses Gmail-Konto ist der Zugriff per IMAP ausgeschaltet.",
            "IMAP access is turned off for this Gmail account.",
        ),
        fix: (
            "In Gmail: Einstellungen → Alle Einstellungen → Weiterleitung und POP/IMAP → „IMAP aktivieren“ → Änderungen speichern. Google Workspace: Die Verwaltung muss IMAP unter Apps → Google Workspace → Gmail → Endnutzerzugriff → POP und IMAP zulassen.",
            "In Gmail: Settings → See all settings → Forwarding and POP/IMAP → \"Enable IMAP\" → Save changes. Google Workspace: the admin must allow IMAP under Apps → Google Workspace → Gmail → End user access → POP and IMAP access.",
        ),
        source: "https://support.google.com/mail/answer/7126229",
        examples: &[(
            Wire::Imap,
            Stage::Login,
            "NO [ALERT] Your account is not enabled for IMAP use. Please visit your Gmail settings page and enable your account for IMAP access. (Failure)",
        )],
    },
    ProviderAnswer {
        id: "google.bad_credentials",
        provider: "Google",
        wires: &[Wire::Smtp],
        all: &["p=badcredentials"],
        any: &[],
        code: DiagnosisCode::AuthFailed,
        explanation: (
            "Google hat Benutzername oder Passwort nicht angenommen. Mit Bestätigung in zwei Schritten gilt das Kontopasswort für E-Mail-Programme nicht.",
            "Google did not accept the user name or the password. With 2-Step Verification the account password is not valid for mail programs.",
        ),
        fix: (
            "Als Benutzername die vollständige Gmail-Adresse eintragen; als Passwort ein App-Passwort (myaccount.google.com → Sicherheit → App-Passwörter) – oder Authentifizierung OAuth2 verwenden.",
            "Enter the full Gmail address as the user name; as the password an app password (myaccount.google.com → Security → App passwords) – or use OAuth2 authentication.",
        ),
        source: "https://support.google.com/mail/answer/7126229",
        examples: &[(
            Wire::Smtp,
            Stage::Login,
            "535-5.7.8 Username and Password not accepted. For more information, go to\n535 5.7.8  https://support.google.com/mail/?p=BadCredentials 4fb4d7f45d1cf-5d3e8a1234sm1234567a12.34 - gsmtp",
        )],
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::EvidenceKey;
    use crate::probe::testing::evidence;

    /// Replays every recorded answer of entry `id` through the protocol code at the command it
    /// answers: it gets the entry's diagnosis, names the provider and its page, and keeps the
    /// server's words.
    async fn replay_entry(id: &str) {
        let p = PROVIDER_ANSWERS
            .iter()
            .find(|p| p.id == id)
            .unwrap_or_else(|| panic!("no entry {id}"));
        assert!(p.source.starts_with("https://"), "{}: no source", p.id);
        assert!(!p.examples.is_empty(), "{}: no recorded answer", p.id);
        for &(wire, stage, said) in p.examples {
            let f = match wire {
                Wire::Smtp => crate::probe::smtp::replay(stage, said).await,
                Wire::Imap => crate::probe::imap::replay(stage, said).await,
                Wire::Pop3 => crate::probe::pop3::replay(stage, said).await,
            };
            assert_eq!(f.code, p.code, "{}: {said}", p.id);
            assert_eq!(f.advice.map(|a| a.id), Some(p.id), "{}: {said}", p.id);
            assert_eq!(evidence(&f, EvidenceKey::Source).as_deref(), Some(p.source));
            assert_eq!(
                evidence(&f, EvidenceKey::Provider).as_deref(),
                Some(p.provider)
            );
            let server_said = evidence(&f, EvidenceKey::ServerSaid).unwrap_or_default();
            let server_said = server_said.split_whitespace().collect::<Vec<_>>().join(" ");
            let last = said.lines().last().unwrap_or_default();
            let words = last
                .split_whitespace()
                .skip(1)
                .take(4)
                .collect::<Vec<_>>()
                .join(" ");
            assert!(
                server_said.contains(&words),
                "{}: {server_said:?} lacks {words:?}",
                p.id
            );
        }
    }

    /// One test per entry of the table (and `every_entry_has_its_test` keeps the list whole).
    macro_rules! entry_tests {
        ($($name:ident => $id:literal,)*) => {
            $(
                #[tokio::test]
                async fn $name() {
                    replay_entry($id).await;
                }
            )*
            const TESTED: &[&str] = &[$($id),*];
        };
    }

    entry_tests! {
        m365_smtp_auth_disabled => "m365.smtp_auth_disabled",
        m365_security_defaults => "m365.security_defaults",
        m365_basic_auth_disabled => "m365.basic_auth_disabled",
        m365_criteria_not_met => "m365.criteria_not_met",
        m365_not_authenticated => "m365.not_authenticated",
        m365_send_as_denied => "m365.send_as_denied",
        m365_legacy_tls => "m365.legacy_tls",
        google_app_password => "google.app_password",
        google_web_login => "google.web_login",
        google_imap_disabled => "google.imap_disabled",
        google_bad_credentials => "google.bad_credentials",
    }

    #[test]
    fn every_entry_has_its_test() {
        let ids: Vec<&str> = PROVIDER_ANSWERS.iter().map(|p| p.id).collect();
        assert_eq!(ids, TESTED);
    }

    #[test]
    fn entries_have_unique_ids_and_translated_texts() {
        for (i, p) in PROVIDER_ANSWERS.iter().enumerate() {
            assert!(
                PROVIDER_ANSWERS[..i].iter().all(|q| q.id != p.id),
                "{}",
                p.id
            );
            for (de, en) in [p.explanation, p.fix] {
                assert!(de.len() > 20 && en.len() > 20 && de != en, "{}", p.id);
            }
        }
    }

    #[test]
    fn an_answer_of_another_protocol_or_wording_matches_no_entry() {
        assert!(find(
            Wire::Imap,
            "NO [ALERT] 5.7.139 SmtpClientAuthentication is disabled"
        )
        .is_none());
        assert!(find(Wire::Smtp, "535 5.7.8 Authentication credentials invalid").is_none());
    }
}
