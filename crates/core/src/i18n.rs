//! Messages the core produces (errors, field problems), in German and English. The UI has
//! its own catalogue for labels; everything a user reads about a failure comes from here so
//! that the app and the CLI say the same thing.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    De,
    #[default]
    En,
}

impl Lang {
    /// From a locale string such as `de_DE.UTF-8`, `de-AT` or `en_US`.
    pub fn from_locale(s: &str) -> Lang {
        if s.to_ascii_lowercase().starts_with("de") {
            Lang::De
        } else {
            Lang::En
        }
    }

    /// From the process environment (LC_ALL, LC_MESSAGES, LANG), as a CLI over SSH sees it.
    pub fn from_env() -> Lang {
        for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let Ok(v) = std::env::var(var) {
                if !v.is_empty() && v != "C" && v != "POSIX" {
                    return Lang::from_locale(&v);
                }
            }
        }
        Lang::En
    }
}

/// Looks up `key` and substitutes `{name}` placeholders from `args`.
/// Seconds with one decimal in the user's language ("0,5" in German, as the window shows
/// durations).
pub fn decimal(lang: Lang, secs: f32) -> String {
    let s = format!("{secs:.1}");
    match lang {
        Lang::De => s.replace('.', ","),
        Lang::En => s,
    }
}

/// A duration of `ms` milliseconds as "0,3 s" / "0.3 s".
pub fn seconds(lang: Lang, ms: u64) -> String {
    format!("{} s", decimal(lang, ms as f32 / 1000.0))
}

pub fn tr(lang: Lang, key: &str, args: &[(&str, String)]) -> String {
    render(lang, catalogue(key), args)
}

/// The text of a (German, English) pair in `lang`, with `{name}` placeholders from `args`:
/// what every catalogue of the crate (messages, step summaries) shares.
pub fn render(lang: Lang, (de, en): (&str, &str), args: &[(&str, String)]) -> String {
    let mut s = match lang {
        Lang::De => de,
        Lang::En => en,
    }
    .to_string();
    for (k, v) in args {
        s = s.replace(&format!("{{{k}}}"), v);
    }
    s
}

/// The reasons the field checks (`validate`) give, in German: (English, German), `{x}` a
/// quoted part that is kept.
const REASONS_DE: &[(&str, &str)] = &[
    ("empty", "leer"),
    (
        "contains spaces or line breaks",
        "enthält Leerzeichen oder Zeilenumbrüche",
    ),
    ("contains spaces", "enthält Leerzeichen"),
    (
        "contains ':' (IPv6 literal invalid, or a port in the wrong place)",
        "enthält „:“ (ungültige IPv6-Adresse oder ein Port an falscher Stelle)",
    ),
    ("not a valid IPv4 address", "keine gültige IPv4-Adresse"),
    ("longer than 253 characters", "länger als 253 Zeichen"),
    (
        "empty label (two dots in a row?)",
        "leerer Namensteil (zwei Punkte hintereinander?)",
    ),
    (
        "label '{x}' longer than 63 characters",
        "Namensteil „{x}“ ist länger als 63 Zeichen",
    ),
    (
        "label '{x}' starts or ends with '-'",
        "Namensteil „{x}“ beginnt oder endet mit „-“",
    ),
    (
        "character '{x}' is not allowed before '@'",
        "Zeichen „{x}“ ist vor dem „@“ nicht erlaubt",
    ),
    (
        "character '{x}' is not allowed",
        "Zeichen „{x}“ ist nicht erlaubt",
    ),
    (
        "'{x}' is only allowed in the domain part, not before '@'",
        "„{x}“ ist nur im Domain-Teil erlaubt, nicht vor dem „@“",
    ),
    (
        "contains line breaks or control characters",
        "enthält Zeilenumbrüche oder Steuerzeichen",
    ),
    ("missing '@'", "das „@“ fehlt"),
    ("nothing before '@'", "vor dem „@“ steht nichts"),
    (
        "more than 64 characters before '@'",
        "mehr als 64 Zeichen vor dem „@“",
    ),
    (
        "invalid quoted local part",
        "ungültiger Teil in Anführungszeichen",
    ),
    (
        "dots at the start, end or twice in a row before '@'",
        "Punkte am Anfang, am Ende oder doppelt vor dem „@“",
    ),
    ("nothing after '@'", "nach dem „@“ steht nichts"),
    (
        "invalid address literal after '@'",
        "ungültige IP-Adresse nach dem „@“",
    ),
    (
        "an IP address after '@' must be written [{x}]",
        "eine IP-Adresse nach dem „@“ muss als [{x}] geschrieben werden",
    ),
    (
        "not a valid international domain name",
        "kein gültiger internationaler Domainname",
    ),
    ("port '{x}'", "Port „{x}“"),
    ("not an input of this kind", "keine Eingabe dieser Art"),
];

/// A reason from the field checks in `lang` (they are written in English): German known
/// ones, `domain: …` recursively; anything else as it is.
pub fn reason(lang: Lang, text: &str) -> String {
    if lang == Lang::En {
        return text.to_string();
    }
    if let Some(rest) = text.strip_prefix("domain: ") {
        return format!("Domain: {}", reason(lang, rest));
    }
    for (en, de) in REASONS_DE {
        match en.split_once("{x}") {
            None if *en == text => return de.to_string(),
            None => {}
            Some((pre, post)) => {
                if let Some(x) = text.strip_prefix(pre).and_then(|r| r.strip_suffix(post)) {
                    return de.replace("{x}", x);
                }
            }
        }
    }
    text.to_string()
}

fn catalogue(key: &str) -> (&'static str, &'static str) {
    match key {
        // Field problems.
        "field.wildcard_public_suffix" => (
            "„*.{suffix}“ ist eine öffentliche Endung: Das würde jedes Zertifikat dieser ganzen Zone akzeptieren. Den Namen des Servers oder seiner Domain eintragen (z. B. *.firma.de).",
            "\"*.{suffix}\" is a public suffix: it would accept any certificate of that whole zone. Enter the server's name or its domain (e.g. *.example.com).",
        ),
        "field.dns_server_invalid" => (
            "Kein DNS-Server: eine IP-Adresse mit optionalem Port angeben, z. B. 192.168.1.10 oder 192.168.1.10:5353 ({reason}).",
            "Not a DNS server: give an IP address with an optional port, e.g. 192.168.1.10 or 192.168.1.10:5353 ({reason}).",
        ),
        "field.csv_invalid" => (
            "Die CSV-Datei ist nicht lesbar ({reason}).",
            "The CSV file cannot be read ({reason}).",
        ),
        "field.server_disabled" => (
            "Der Server ist deaktiviert und wird nicht getestet: zum Testen „Aktiviert“ einschalten und speichern.",
            "The server is disabled and is not tested: switch on \"Enabled\" and save to test it.",
        ),
        "field.required" => ("Pflichtfeld: bitte ausfüllen.", "Required: please fill in."),
        "field.too_long" => (
            "Zu lang: höchstens {max} Zeichen.",
            "Too long: at most {max} characters.",
        ),
        "field.control_chars" => (
            "Enthält Steuerzeichen (z. B. Zeilenumbruch oder Tabulator); bitte entfernen.",
            "Contains control characters (such as a line break or tab); please remove them.",
        ),
        "field.duplicate" => (
            "Der Name „{value}“ ist bereits vergeben.",
            "The name \"{value}\" is already taken.",
        ),
        "field.host_invalid" => (
            "Kein gültiger Servername und keine IP-Adresse: {reason}",
            "Not a valid host name or IP address: {reason}",
        ),
        "field.host_port_mismatch" => (
            "Im Server steht Port {host_port}, im Feld Port aber {port}.",
            "The host says port {host_port} but the port field says {port}.",
        ),
        "field.port_range" => (
            "Der Port muss zwischen 1 und 65535 liegen.",
            "The port must be between 1 and 65535.",
        ),
        "field.timeout_range" => (
            "Der Timeout muss zwischen 1 und 600 Sekunden liegen.",
            "The timeout must be between 1 and 600 seconds.",
        ),
        "field.days_range" => (
            "Die Anzahl der Tage muss zwischen 1 und 3650 liegen.",
            "The number of days must be between 1 and 3650.",
        ),
        "field.fixed_after_creation" => (
            "Der Typ kann nach dem Anlegen nicht mehr geändert werden. Legen Sie einen neuen Server an.",
            "The protocol cannot be changed after creation. Create a new server instead.",
        ),
        "field.confirm_insecure" => (
            "Das Abschalten der Zertifikatsprüfung muss ausdrücklich bestätigt werden. Sicherer: den Fingerabdruck des Zertifikats hinterlegen.",
            "Turning certificate verification off must be confirmed explicitly. Safer: pin the certificate's fingerprint instead.",
        ),
        "field.fingerprint_invalid" => (
            "Ein SHA-256-Fingerabdruck besteht aus 64 Hexadezimalziffern (Doppelpunkte erlaubt).",
            "A SHA-256 fingerprint is 64 hexadecimal digits (colons allowed).",
        ),
        "field.imap_only" => (
            "Sonderordner gibt es nur bei IMAP-Servern.",
            "Special folders exist only on IMAP servers.",
        ),
        "field.pop3_only" => (
            "Diese Option gilt nur für POP3 und IMAP-Download.",
            "This option applies only to POP3 and IMAP download.",
        ),
        "field.email_invalid" => (
            "Keine gültige E-Mail-Adresse: {reason}",
            "Not a valid e-mail address: {reason}",
        ),
        "field.missing_ref" => (
            "Der gewählte Eintrag (Nr. {id}) existiert nicht (mehr).",
            "The selected entry (no. {id}) does not exist (any more).",
        ),
        "field.owner_required" => (
            "Ein Konto gehört genau einem Benutzer (persönliches Postfach) oder einer Gruppe (gemeinsames Postfach).",
            "An account belongs to exactly one user (personal mailbox) or one group (shared mailbox).",
        ),
        "field.locked_mailbox_path" => (
            "Der Mailbox-Pfad ist gesperrt: für dieses Konto wurden bereits E-Mails empfangen. Eine Änderung würde die Zuordnung der empfangenen E-Mails zerstören.",
            "The mailbox path is locked: mail has already been received for this account. Changing it would break the link to the received mail.",
        ),
        "field.trash_is_mailbox" => (
            "Der Papierkorb kann nicht der Mailbox-Pfad selbst sein: „In den Papierkorb verschieben“ verschiebt gelöschte E-Mails aus diesem Ordner heraus. Einen anderen Ordner wählen, das Feld leer lassen (Papierkorb des Servers) oder ein anderes Löschverfahren.",
            "The trash cannot be the mailbox path itself: \"move to trash\" moves deleted mail out of that folder. Choose another folder, leave it empty (the server's trash) or another delete procedure.",
        ),
        "field.range" => (
            "Der Wert muss zwischen {min} und {max} liegen.",
            "The value must be between {min} and {max}.",
        ),
        "field.m365_auth" => (
            "Microsoft 365 / Exchange Online erlaubt nur OAuth2 (Basic Auth ist abgeschaltet).",
            "Microsoft 365 / Exchange Online only allows OAuth2 (basic authentication is turned off).",
        ),
        "field.certificate_no_key" => (
            "Dieses Zertifikat hat keinen privaten Schlüssel; zum Signieren und als Client-Zertifikat wird einer benötigt.",
            "This certificate has no private key; signing and client authentication need one.",
        ),
        "field.file_extension" => (
            "Der Dateiname muss auf {allowed} enden.",
            "The file name must end in {allowed}.",
        ),
        "field.domain_unknown" => (
            "Kein Konto mit einer Adresse @{domain}, dessen Server ein Telefon nutzen kann. Ein Konto der Domain anlegen oder ein Konto angeben.",
            "No account with an address @{domain} whose servers a phone can use. Create an account of the domain or name an account.",
        ),
        "mobile.autoconfig_status" => (
            "Die Adresse antwortet mit HTTP {status} statt der Autoconfig-Datei.",
            "The address answers HTTP {status} instead of the autoconfig file.",
        ),
        "mobile.autoconfig_other" => (
            "Die Adresse liefert eine Datei, aber nicht die Autoconfig dieses Kontos (anderer Posteingangsserver oder kein clientConfig).",
            "The address serves a file, but not this account's autoconfig (another incoming server, or no clientConfig).",
        ),
        "field.date_invalid" => (
            "Ein Datum im Format JJJJ-MM-TT (z. B. 2026-11-30) eingeben.",
            "Enter a date as YYYY-MM-DD (e.g. 2026-11-30).",
        ),
        "field.no_incoming" => (
            "Das Konto hat keinen Posteingangsserver. Im Tab Konten einen Posteingangsserver wählen.",
            "The account has no incoming server. Choose one in the Accounts tab.",
        ),
        "field.no_outgoing" => (
            "Für das Konto gilt kein Postausgangsserver (weder am Konto noch am Betrieb noch als Standard); ein Telefon könnte nicht senden. Im Tab Konten einen Postausgangsserver wählen.",
            "No outgoing server applies to the account (none on the account, its company or as default); a phone could not send. Choose an outgoing server in the Accounts tab.",
        ),
        "field.plaintext_server" => (
            "Der Server „{server}“ ist ohne Verschlüsselung eingestellt. Telefone erhalten nur SSL/TLS oder STARTTLS: am Server die Verschlüsselung einstellen.",
            "The server \"{server}\" is set up without encryption. Phones only get SSL/TLS or STARTTLS: set the server's encryption.",
        ),
        "field.format_no_oauth" => (
            "{format} kann keine OAuth2-Anmeldung übertragen. Ein anderes Format wählen (Thunderbird-QR-Code oder Autoconfig) oder ein Microsoft-365-Konto verwenden.",
            "{format} cannot carry an OAuth2 login. Choose another format (Thunderbird QR code or autoconfig) or use a Microsoft 365 account.",
        ),
        "field.format_imap_only" => (
            "{format} ruft E-Mails nur per IMAP ab; dieses Konto nutzt POP3. Einen IMAP-Posteingangsserver wählen oder ein anderes Format.",
            "{format} fetches mail only by IMAP; this account uses POP3. Choose an IMAP incoming server or another format.",
        ),
        "field.ascii_only" => (
            "{format} erlaubt in diesem Format nur ASCII-Adressen und -Benutzernamen (keine Umlaute). Das Apple-Profil oder Autoconfig verwenden.",
            "{format} allows only ASCII addresses and usernames in this format (no accented letters). Use the Apple profile or autoconfig.",
        ),
        "field.qr_too_long" => (
            "Zu viele Daten für einen QR-Code: {len} Zeichen, höchstens {max}. Kürzere Namen wählen oder das Apple-Profil verwenden.",
            "Too much data for one QR code: {len} characters, at most {max}. Use shorter names or the Apple profile.",
        ),
        "field.password_required" => (
            "{format} braucht das Passwort im Code (das Format verlangt es). „Passwort einschließen“ wählen oder den Thunderbird-QR-Code verwenden.",
            "{format} needs the password in the code (the format requires it). Choose \"include password\" or use the Thunderbird QR code.",
        ),
        "field.password_not_stored" => (
            "Für dieses Konto ist kein Passwort gespeichert; es kann nicht eingeschlossen werden. Im Tab Konten das Passwort hinterlegen oder ohne Passwort exportieren.",
            "No password is stored for this account, so none can be included. Store it in the Accounts tab or export without the password.",
        ),
        "field.certificate_expired" => (
            "Das Zertifikat ist nicht gültig (gültig bis {not_after}); iOS würde das Profil als „nicht überprüft“ zeigen. Ein gültiges Zertifikat wählen.",
            "The certificate is not valid (valid until {not_after}); iOS would show the profile as \"not verified\". Choose a valid certificate.",
        ),
        // CLI lines.
        "cli.keyring_cleaned" => (
            "{count} verwaiste Schlüsselbund-Einträge entfernt",
            "{count} orphaned keyring entries removed",
        ),
        "cli.keyring_clean_failed" => (
            "Der Schlüsselbund war nicht zu durchsuchen ({detail}); es wurde nichts entfernt.",
            "The keyring could not be searched ({detail}); nothing was removed.",
        ),
        "cli.created" => ("angelegt", "created"),
        "cli.saved" => ("gespeichert", "saved"),
        "cli.deleted" => ("gelöscht", "deleted"),
        "cli.imported" => ("importiert", "imported"),
        "cli.renamed" => ("umbenannt", "renamed"),
        "cli.warning" => ("Warnung", "warning"),
        "cli.error" => ("Fehler", "error"),
        "cli.cert_trusted_all" => (
            "vertraut (Stammzertifizierungsstelle, für alle Server): {name}",
            "trusted (root certification authority, for every server): {name}",
        ),
        "cli.cert_trusted_hosts" => (
            "vertraut (Stammzertifizierungsstelle, nur für {hosts}): {name}",
            "trusted (root certification authority, only for {hosts}): {name}",
        ),
        "cli.cert_untrusted" => (
            "nicht mehr vertraut: {name}",
            "no longer trusted: {name}",
        ),
        "field.login_without_password" => (
            "Gespeichert – aber ohne Passwort: Das Konto meldet sich als „{user}“ an und hat dafür kein Passwort. Im Konto Benutzername und Passwort eintragen, oder beide leer lassen und die Anmeldung beim Posteingangsserver hinterlegen (dann „vom Server übernommen“).",
            "Saved – but without a password: the account logs in as \"{user}\" and has no password for it. Enter user name and password in the account, or leave both empty and set the login at the incoming server (then \"taken from the server\").",
        ),
        "field.certificate_not_ca" => (
            "Nur ein CA-Zertifikat (Zertifizierungsstelle) im PEM-Format kann als Stammzertifizierungsstelle vertraut werden. Das Zertifikat eines einzelnen Servers stattdessen beim Server anheften (SHA-256).",
            "Only a CA certificate in PEM format can be trusted as a root. Pin a single server's certificate at that server instead (SHA-256).",
        ),
        "field.certificate_invalid" => (
            "Das Zertifikat konnte nicht gelesen werden: {reason}",
            "The certificate could not be read: {reason}",
        ),
        "field.passphrase_wrong" => (
            "Die Passphrase passt nicht zu dieser Datei.",
            "The passphrase does not open this file.",
        ),
        "field.template_kind" => (
            "Diese Vorlage ist für eine andere Art von Eintrag ({kind}).",
            "This template is for another kind of entry ({kind}).",
        ),
        "field.preset_unknown" => (
            "Unbekannte Anbieter-Vorlage „{name}“. Bekannt sind: {known}.",
            "Unknown provider preset \"{name}\". Known: {known}.",
        ),
        "field.preset_protocol" => (
            "{name} bietet kein {protocol} an.",
            "{name} does not offer {protocol}.",
        ),
        "field.no_spaces" => (
            "Darf keine Leerzeichen enthalten.",
            "Must not contain spaces.",
        ),
        "field.domain_invalid" => (
            "Keine gültige Domain: {reason}",
            "Not a valid domain: {reason}",
        ),
        "field.outgoing_unknown" => (
            "Kein Postausgangsserver namens „{name}“.",
            "No outgoing server named \"{name}\".",
        ),
        "field.url_invalid" => (
            "Die Adresse muss mit https:// (oder http://) beginnen.",
            "The address must start with https:// (or http://).",
        ),
        "field.https_required" => (
            "Nur https:// ist erlaubt (http:// nur für diesen Rechner, z. B. 127.0.0.1).",
            "Only https:// is allowed (http:// only for this machine, e.g. 127.0.0.1).",
        ),
        "field.tenant_invalid" => (
            "Mandanten-ID (GUID) oder Domain des Mandanten eintragen, z. B. contoso.onmicrosoft.com.",
            "Enter the tenant id (a GUID) or the tenant's domain, e.g. contoso.onmicrosoft.com.",
        ),
        "field.oauth_no_flow" => (
            "Mindestens einen Anmeldeweg angeben: Autorisierungs-Endpunkt (Browser), Gerätecode-Endpunkt oder App-Scopes (Client Credentials).",
            "Give at least one way to sign in: the authorization endpoint (browser), the device code endpoint or app scopes (client credentials).",
        ),
        "field.oauth_flow_unavailable" => (
            "Dieser Anbieter ist für dieses Anmeldeverfahren nicht eingerichtet (Endpunkt bzw. Client-Geheimnis fehlt).",
            "This provider is not set up for this sign-in method (an endpoint or the client secret is missing).",
        ),
        "field.oauth_provider_required" => (
            "Einen OAuth-Anbieter wählen (Tab OAuth).",
            "Choose an OAuth provider (OAuth tab).",
        ),
        "field.csv_header" => (
            "Die erste Zeile muss die Spaltennamen enthalten, mindestens „login“ (oder „Benutzer“); dazu optional „display_name“/„Name“ und „email“/„E-Mail“.",
            "The first line must name the columns, at least \"login\"; optionally \"display_name\" and \"email\".",
        ),
        "field.too_short" => (
            "Zu kurz: mindestens {min} Zeichen.",
            "Too short: at least {min} characters.",
        ),
        "field.export_modified" => (
            "Die Datei wurde nach dem Export verändert (z. B. ein Server oder eine TLS-Einstellung); ihre verschlüsselten Passwörter gehören nicht mehr dazu. Nichts wurde importiert; bitte die unveränderte Datei verwenden.",
            "The file was changed after export (e.g. a server or a TLS setting); its encrypted passwords no longer belong to it. Nothing was imported; please use the unchanged file.",
        ),
        "field.import_conflict" => (
            "{kind} „{name}“ existiert bereits. Nichts wurde importiert; zum Zusammenführen vorhandene Einträge überspringen lassen.",
            "{kind} \"{name}\" already exists. Nothing was imported; choose to skip existing entries to merge.",
        ),
        "field.calendar_not_testable" => (
            "Ein Outlook-Profil liegt auf dem Arbeitsplatz des Mitarbeiters und lässt sich von hier nicht testen; getestet werden CalDAV- und Microsoft-365-Kalender.",
            "An Outlook profile lives on the employee's computer and cannot be tested from here; CalDAV and Microsoft 365 calendars are tested.",
        ),
        "field.calendar_no_mailbox" => (
            "Der Mitarbeiter hat keine E-Mail-Adresse: Microsoft 365 liest den Kalender seines Postfachs. Beim Mitarbeiter die Adresse eintragen.",
            "The employee has no e-mail address: Microsoft 365 reads the calendar of their mailbox. Enter the address at the employee.",
        ),
        "field.nothing_to_test" => (
            "Das Konto hat weder einen Posteingangs- noch einen Postausgangsserver (auch nicht über Betrieb oder Installation).",
            "The account has neither an incoming nor an outgoing server (not even through its company or the installation).",
        ),
        "field.default_disabled" => (
            "Ein deaktivierter Server kann nicht der Standard-Postausgangsserver sein: Konten ohne eigenen Server würden nicht mehr senden.",
            "A disabled server cannot be the default outgoing server: accounts without their own server could no longer send.",
        ),
        "field.invalid_json" => (
            "Ungültige Eingabe: {reason}",
            "Invalid input: {reason}",
        ),
        // Errors.
        "error.validation" => (
            "Bitte die markierten Felder korrigieren: {fields}",
            "Please correct the marked fields: {fields}",
        ),
        "error.not_found" => (
            "{entity} „{id}“ existiert nicht (mehr).",
            "{entity} \"{id}\" does not exist (any more).",
        ),
        "error.cancelled" => (
            "Abgebrochen: {what}. Es wurde nichts geändert oder geschrieben.",
            "Cancelled: {what}. Nothing was changed or written.",
        ),
        "error.conflict" => (
            "{entity} „{name}“ wurde inzwischen an anderer Stelle geändert. Ihre Änderungen wurden nicht gespeichert; bitte neu laden und erneut bearbeiten.",
            "{entity} \"{name}\" was changed elsewhere in the meantime. Your changes were not saved; reload and edit again.",
        ),
        "error.in_use" => (
            "{entity} „{name}“ wird noch verwendet von: {used_by}. Ändern oder löschen Sie zuerst diese Einträge.",
            "{entity} \"{name}\" is still used by: {used_by}. Change or delete those first.",
        ),
        "error.secrets_unavailable" | "field.secrets_unavailable" => (
            "Das Passwort wurde nicht gespeichert: kein Schlüsselbund erreichbar ({detail}). Unter Linux einen Secret-Service-Dienst (GNOME Keyring, KeePassXC) starten und entsperren, dann das Passwort erneut eingeben. Alle anderen Angaben wurden gespeichert.",
            "The password was not saved: no keyring is reachable ({detail}). On Linux start and unlock a Secret Service (GNOME Keyring, KeePassXC), then enter the password again. Everything else was saved.",
        ),
        "error.secrets_locked" | "field.secrets_locked" => (
            "Das Passwort wurde nicht gespeichert: der Schlüsselbund ist gesperrt ({detail}). Bitte entsperren und das Passwort erneut eingeben. Alle anderen Angaben wurden gespeichert.",
            "The password was not saved: the keyring is locked ({detail}). Unlock it and enter the password again. Everything else was saved.",
        ),
        "error.secrets_timeout" => (
            "Das Passwort wurde nicht gespeichert: der Schlüsselbund hat nicht innerhalb von {seconds} geantwortet (wartet er auf sein Entsperr-Passwort?). Den Schlüsselbund entsperren und das Passwort erneut eingeben. Alle anderen Angaben wurden gespeichert.",
            "The password was not saved: the keyring did not answer within {seconds} (is it waiting for its unlock password?). Unlock the keyring and enter the password again. Everything else was saved.",
        ),
        "error.secrets_failed" | "field.secrets_failed" => (
            "Schlüsselbund-Fehler: {detail}",
            "Keyring error: {detail}",
        ),
        "error.database" => ("Datenbankfehler: {detail}", "Database error: {detail}"),
        "error.migration" => (
            "Die Datenbank {path} konnte nicht aktualisiert werden: {detail}. Eine Sicherung liegt unter {backup}.",
            "The database {path} could not be upgraded: {detail}. A backup is at {backup}.",
        ),
        "error.too_new" => (
            "Die Datenbank {path} stammt von einer neueren Version (Schema {found}, bekannt bis {known}). Bitte Mailbox Admin aktualisieren.",
            "The database {path} comes from a newer version (schema {found}, this version knows up to {known}). Please update Mailbox Admin.",
        ),
        "error.io" => ("Dateifehler: {detail}", "File error: {detail}"),
        // Entities.
        "entity.incoming_server" => ("Posteingangsserver", "Incoming server"),
        "entity.outgoing_server" => ("Postausgangsserver", "Outgoing server"),
        "entity.account" => ("Konto", "Account"),
        "entity.company" => ("Betrieb", "Company"),
        "entity.user" => ("Benutzer", "User"),
        "entity.group" => ("Gruppe", "Group"),
        "entity.employee" => ("Mitarbeiter", "Employee"),
        "entity.calendar_account" => ("Kalenderkonto", "Calendar account"),
        "entity.certificate" => ("Zertifikat", "Certificate"),
        "entity.template" => ("Vorlage", "Template"),
        "entity.settings" => ("Allgemeine Einstellungen", "General settings"),
        "entity.oauth_provider" => ("OAuth-Anbieter", "OAuth provider"),
        "entity.mobile_device" => ("Mobilgerät", "mobile device"),
        _ => ("{?}", "{?}"),
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_reasons_of_the_field_checks_read_german() {
        let host = crate::validate::host_problem("mail firma.de").unwrap();
        assert_eq!(
            reason(Lang::De, &host),
            "enthält Leerzeichen oder Zeilenumbrüche"
        );
        let email = crate::validate::email_problem("vertrieb.firma.de").unwrap();
        assert_eq!(reason(Lang::De, &email), "das „@“ fehlt");
        let label = crate::validate::email_problem("a@-x.de").unwrap();
        assert_eq!(
            reason(Lang::De, &label),
            "Domain: Namensteil „-x“ beginnt oder endet mit „-“"
        );
        assert_eq!(reason(Lang::En, &email), email);
    }

    use super::*;

    #[test]
    fn german_locale_strings_select_german() {
        assert_eq!(Lang::from_locale("de_DE.UTF-8"), Lang::De);
        assert_eq!(Lang::from_locale("de-AT"), Lang::De);
        assert_eq!(Lang::from_locale("en_US.UTF-8"), Lang::En);
        assert_eq!(Lang::from_locale("fr_FR"), Lang::En);
    }

    #[test]
    fn placeholders_are_substituted() {
        let s = tr(Lang::En, "field.too_long", &[("max", "100".into())]);
        assert_eq!(s, "Too long: at most 100 characters.");
    }
}
