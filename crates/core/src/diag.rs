//! The vocabulary of diagnoses, shared by every layer: the closed set of diagnosis codes
//! with their German and English title, explanation and fix, evidence keys, TLS trust
//! results and the short step summaries. A leaf: it imports nothing of the crate but i18n.

use crate::i18n::Lang;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Defines a closed string enum: serde and TypeScript see the dotted string, Rust the variant.
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $s:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
        pub enum $name {
            $(#[serde(rename = $s)] $variant,)*
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The stable string form (what scripts, the database and TypeScript see).
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $s,)*
                }
            }

            /// The value whose string form is `s`.
            pub fn parse(s: &str) -> Option<$name> {
                match s {
                    $($s => Some($name::$variant),)*
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<$name> for &str {
            fn eq(&self, other: &$name) -> bool {
                *self == other.as_str()
            }
        }
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The step failed.
    Error,
    /// The step worked, but something needs attention (e.g. verification is off).
    Warning,
}

string_enum! {
    /// What one piece of evidence is: the UI labels it, scripts read it.
    EvidenceKey {
        Address = "address",
        After = "after",
        Calendars = "calendars",
        Capabilities = "capabilities",
        CertificateNames = "certificate_names",
        Command = "command",
        ConsentedAs = "consented_as",
        DaysLeft = "days_left",
        Deleted = "deleted",
        Delimiter = "delimiter",
        Detail = "detail",
        ExistingFolders = "existing_folders",
        FetchedFolder = "fetched_folder",
        Expected = "expected",
        ExpectedName = "expected_name",
        Issuer = "issuer",
        Junk = "junk",
        Lookups = "lookups",
        Keyring = "keyring",
        LastReceived = "last_received",
        LastSent = "last_sent",
        LoginUser = "login_user",
        MailboxPath = "mailbox_path",
        Marker = "marker",
        Method = "method",
        Name = "name",
        NtlmDomain = "ntlm_domain",
        ClientCertificate = "client_certificate",
        NotAfter = "not_after",
        NotBefore = "not_before",
        Observed = "observed",
        Offered = "offered",
        PinnedSha256 = "pinned_sha256",
        Port = "port",
        Problem = "problem",
        ProviderError = "provider_error",
        ProviderSaid = "provider_said",
        Recipient = "recipient",
        Record = "record",
        ResolverSaid = "resolver_said",
        Selector = "selector",
        Sender = "sender",
        Sent = "sent",
        ServerError = "server_error",
        ServerSaid = "server_said",
        ServerSent = "server_sent",
        ServerAlert = "server_alert",
        ServerDomain = "server_domain",
        StatusCode = "status_code",
        Provider = "provider",
        Source = "source",
        Sha256 = "sha256",
        SoundsLike = "sounds_like",
        Step = "step",
        Subject = "subject",
        Timeout = "timeout",
        Trash = "trash",
        Url = "url",
        User = "user",
        VerificationWouldReport = "verification_would_report",
        Waited = "waited",
        Wanted = "wanted",
    }
}

/// One fact behind a diagnosis: what the server sent, what the certificate says, …
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Evidence {
    pub key: EvidenceKey,
    pub value: String,
}

impl EvidenceKey {
    /// The key as the administrator reads it (the UI's `evidence.<key>` labels; the CLI).
    pub fn label(self, lang: Lang) -> &'static str {
        use EvidenceKey::*;
        let (de, en) = match self {
            Lookups => ("DNS-Abfragen", "DNS lookups"),
            Record => ("DNS-Eintrag", "DNS record"),
            Selector => ("DKIM-Selektor", "DKIM selector"),
            ServerAlert => ("Hinweis des Servers", "Server alert"),
            StatusCode => ("Statuscode", "Status code"),
            Provider => ("Anbieter", "Provider"),
            Source => (
                "Quelle (Anleitung des Anbieters)",
                "Source (provider documentation)",
            ),
            Url => ("Adresse (URL)", "Address (URL)"),
            Address => ("Adresse", "Address"),
            After => ("Nach", "After"),
            Calendars => ("Vorhandene Kalender", "Existing calendars"),
            Capabilities => ("Fähigkeiten des Servers", "Server capabilities"),
            CertificateNames => ("Namen im Zertifikat", "Names in the certificate"),
            Command => ("Befehl", "Command"),
            ConsentedAs => ("Zugestimmt als", "Consented as"),
            DaysLeft => ("Tage bis zum Ablauf", "Days left"),
            Deleted => ("Ordner „Gelöscht“", "\"Deleted\" folder"),
            Delimiter => ("Trennzeichen", "Delimiter"),
            Detail => ("Einzelheiten", "Detail"),
            ExistingFolders => ("Vorhandene Ordner", "Existing folders"),
            FetchedFolder => ("Abgerufener Unterordner", "Fetched subfolder"),
            Expected => ("Erwartet", "Expected"),
            ExpectedName => ("Erwarteter Name", "Expected name"),
            Issuer => ("Aussteller", "Issuer"),
            Junk => ("Spam-Ordner", "Junk folder"),
            Keyring => ("Schlüsselbund", "Keyring"),
            LastReceived => ("Zuletzt empfangen", "Last received"),
            LastSent => ("Zuletzt gesendet", "Last sent"),
            LoginUser => ("Anmeldename", "Login name"),
            MailboxPath => ("Mailbox-Pfad", "Mailbox path"),
            Marker => ("Kennung der Testmail", "Test mail marker"),
            Method => ("Verfahren", "Method"),
            Name => ("Name", "Name"),
            NtlmDomain => (
                "Windows-Domäne der Anmeldung",
                "Windows domain of the login",
            ),
            ClientCertificate => ("Client-Zertifikat", "Client certificate"),
            ServerDomain => ("Domäne laut Server", "Domain announced by the server"),
            NotAfter => ("Gültig bis", "Valid until"),
            NotBefore => ("Gültig ab", "Valid from"),
            Observed => ("Beobachtet", "Observed"),
            Offered => ("Angeboten", "Offered"),
            PinnedSha256 => (
                "Hinterlegter Fingerabdruck (SHA-256)",
                "Pinned fingerprint (SHA-256)",
            ),
            Port => ("Port", "Port"),
            Problem => ("Problem", "Problem"),
            ProviderError => ("Fehlercode des Anbieters", "Provider's error code"),
            ProviderSaid => ("Antwort des Anbieters", "Provider said"),
            Recipient => ("Empfänger", "Recipient"),
            ResolverSaid => ("Antwort des DNS", "DNS said"),
            Sender => ("Absender", "Sender"),
            Sent => ("Ordner „Gesendet“", "\"Sent\" folder"),
            ServerError => ("Fehler des Servers", "Server error"),
            ServerSaid => ("Antwort des Servers", "Server said"),
            ServerSent => ("Vom Server gesendet", "Server sent"),
            Sha256 => ("Fingerabdruck (SHA-256)", "Fingerprint (SHA-256)"),
            SoundsLike => ("Klingt nach", "Sounds like"),
            Step => ("Schritt", "Step"),
            Subject => ("Inhaber", "Subject"),
            Timeout => ("Timeout", "Timeout"),
            Trash => ("Papierkorb", "Trash"),
            User => ("Benutzer", "User"),
            VerificationWouldReport => ("Die Prüfung hätte gemeldet", "Verification would report"),
            Waited => ("Gewartet", "Waited"),
            Wanted => ("Erwartet", "Expected"),
        };
        match lang {
            Lang::De => de,
            Lang::En => en,
        }
    }
}

impl Evidence {
    pub fn new(key: EvidenceKey, value: impl Into<String>) -> Evidence {
        Evidence {
            key,
            value: value.into(),
        }
    }
}

string_enum! {
    /// How far a TLS peer was trusted.
    Trust {
        Verified = "verified",
        Pinned = "pinned",
        NotVerified = "not_verified",
        Failed = "failed",
    }
}

string_enum! {
    /// What the operating system's own TLS stack (native-tls: OpenSSL on Linux, SChannel on
    /// Windows, Security.framework on macOS) says about a server's certificate, with only
    /// the OS trust store: what other programs on this computer will see.
    OsTrust {
        Trusted = "trusted",
        UntrustedIssuer = "untrusted_issuer",
        SelfSigned = "self_signed",
        Expired = "expired",
        NotYetValid = "not_yet_valid",
        HostnameMismatch = "hostname_mismatch",
        Rejected = "rejected",
        NoHandshake = "no_handshake",
    }
}

string_enum! {
    /// What is wrong with one input field: the UI and the CLI show its translation
    /// (`i18n`, `field.<code>`) next to the input.
    FieldCode {
        CertificateInvalid = "certificate_invalid",
        CertificateNoKey = "certificate_no_key",
        CertificateNotCa = "certificate_not_ca",
        LoginWithoutPassword = "login_without_password",
        ConfirmInsecure = "confirm_insecure",
        ControlChars = "control_chars",
        CsvHeader = "csv_header",
        DaysRange = "days_range",
        DefaultDisabled = "default_disabled",
        Duplicate = "duplicate",
        EmailInvalid = "email_invalid",
        ExportModified = "export_modified",
        FingerprintInvalid = "fingerprint_invalid",
        FixedAfterCreation = "fixed_after_creation",
        HostInvalid = "host_invalid",
        HostPortMismatch = "host_port_mismatch",
        HttpsRequired = "https_required",
        ImapOnly = "imap_only",
        ImportConflict = "import_conflict",
        InvalidJson = "invalid_json",
        LockedMailboxPath = "locked_mailbox_path",
        TrashIsMailbox = "trash_is_mailbox",
        M365Auth = "m365_auth",
        MissingRef = "missing_ref",
        NoSpaces = "no_spaces",
        NothingToTest = "nothing_to_test",
        CalendarNotTestable = "calendar_not_testable",
        CalendarNoMailbox = "calendar_no_mailbox",
        OauthFlowUnavailable = "oauth_flow_unavailable",
        OauthNoFlow = "oauth_no_flow",
        OauthProviderRequired = "oauth_provider_required",
        OwnerRequired = "owner_required",
        PassphraseWrong = "passphrase_wrong",
        Pop3Only = "pop3_only",
        PortRange = "port_range",
        Range = "range",
        Required = "required",
        TemplateKind = "template_kind",
        TenantInvalid = "tenant_invalid",
        TimeoutRange = "timeout_range",
        TooLong = "too_long",
        TooShort = "too_short",
        UrlInvalid = "url_invalid",
        DomainInvalid = "domain_invalid",
        OutgoingUnknown = "outgoing_unknown",
        ServerDisabled = "server_disabled",
        CsvInvalid = "csv_invalid",
        DnsServerInvalid = "dns_server_invalid",
        WildcardPublicSuffix = "wildcard_public_suffix",
        SecretsUnavailable = "secrets_unavailable",
        SecretsLocked = "secrets_locked",
        SecretsFailed = "secrets_failed",
        NoIncoming = "no_incoming",
        NoOutgoing = "no_outgoing",
        PlaintextServer = "plaintext_server",
        FormatNoOauth = "format_no_oauth",
        FormatImapOnly = "format_imap_only",
        AsciiOnly = "ascii_only",
        QrTooLong = "qr_too_long",
        PasswordRequired = "password_required",
        PasswordNotStored = "password_not_stored",
        CertificateExpired = "certificate_expired",
        DateInvalid = "date_invalid",
        DomainUnknown = "domain_unknown",
        FileExtension = "file_extension",
        PresetUnknown = "preset_unknown",
        PresetProtocol = "preset_protocol",
    }
}

/// A failed OAuth operation: a diagnosis code plus what the provider said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct OauthFailure {
    /// e.g. `oauth.consent_missing`, `oauth.token_invalid`, `oauth.provider_unreachable`.
    pub code: DiagnosisCode,
    /// The provider's `error` (e.g. `invalid_grant`), empty for network problems.
    pub error: String,
    /// The provider's `error_description` or the network error, for the evidence.
    pub description: String,
    /// More facts, e.g. the certificate's issuer when the provider's TLS failed.
    #[serde(default)]
    pub evidence: Vec<Evidence>,
}

impl OauthFailure {
    pub fn new(code: DiagnosisCode, error: &str, description: impl Into<String>) -> OauthFailure {
        OauthFailure {
            code,
            error: error.to_string(),
            description: description.into(),
            evidence: Vec::new(),
        }
    }
}

impl std::fmt::Display for OauthFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.code)?;
        if !self.error.is_empty() {
            write!(f, " ({})", self.error)?;
        }
        if !self.description.is_empty() {
            write!(f, ": {}", self.description)?;
        }
        Ok(())
    }
}

impl DiagnosisCode {
    /// The family, the part before the dot: `tls`, `auth`, `oauth`, …
    pub fn family(self) -> &'static str {
        let s = self.as_str();
        &s[..s.find('.').unwrap_or(s.len())]
    }

    /// About the TLS layer: certificate, handshake, encryption mode.
    pub fn is_tls(self) -> bool {
        self.family() == "tls"
    }

    /// About the login: credentials, mechanism, plaintext rules (OAuth has its own family).
    pub fn is_auth(self) -> bool {
        self.family() == "auth"
    }

    /// About OAuth: the provider, the consent, the token.
    pub fn is_oauth(self) -> bool {
        self.family() == "oauth"
    }

    /// Worth trying again unchanged: the cause may pass by itself (a timeout, a busy or
    /// unreachable network, a server that is temporarily unavailable, slow delivery).
    pub fn is_transient(self) -> bool {
        use DiagnosisCode::*;
        matches!(
            self,
            DnsFailed
                | NetTimeout
                | NetSilent
                | NetUnreachable
                | NetClosed
                | ProtocolServiceUnavailable
                | AuthTemporary
                | AuthMailboxInUse
                | AuthLoginDelay
                | SmtpTemporary
                | OauthProviderUnreachable
                | RoundtripNotReceived
                | GraphUnavailable
        )
    }

    /// A warning that does not fail a test by itself.
    pub fn is_warning_only(self) -> bool {
        use DiagnosisCode::*;
        matches!(
            self,
            TlsVerifyDisabled
                | TlsExpiresSoon
                | DomainSpfNoOutgoing
                | DomainDmarcMonitorOnly
                | DomainDmarcPartial
                | DomainDkimNoneFound
                | DomainMtaStsMissing
                | DomainTlsRptMissing
                | DomainAutoconfigMissing
                | DomainSrvMissing
                | TestIncomingNotChecked
                | TestOutgoingNotChecked
                | ImapTrashMissing
                | SmtpAppServerSends
                | CaldavPlainHttp
        )
    }

    /// About a mail domain's published records (the domain check).
    pub fn is_domain(self) -> bool {
        self.family() == "domain"
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Diagnosis {
    /// Stable, e.g. `tls.hostname_mismatch`; scripts and the UI branch on it.
    pub code: DiagnosisCode,
    pub severity: Severity,
    pub title: String,
    pub explanation: String,
    pub fix: String,
    pub evidence: Vec<Evidence>,
}

string_enum! {
    /// Every diagnosis a test or an OAuth operation can end with.
    DiagnosisCode {
    DnsNotFound = "dns.not_found",
    DnsFailed = "dns.failed",
    NetRefused = "net.refused",
    NetTimeout = "net.timeout",
    NetSilent = "net.silent",
    NetUnreachable = "net.unreachable",
    NetClosed = "net.closed",
    TlsExpectedImplicit = "tls.expected_implicit",
    TlsExpectedStarttls = "tls.expected_starttls",
    TlsStarttlsUnsupported = "tls.starttls_unsupported",
    TlsHostnameMismatch = "tls.hostname_mismatch",
    TlsExpired = "tls.expired",
    TlsNotYetValid = "tls.not_yet_valid",
    TlsSelfSigned = "tls.self_signed",
    TlsUntrustedIssuer = "tls.untrusted_issuer",
    TlsPinMismatch = "tls.pin_mismatch",
    TlsHandshakeFailed = "tls.handshake_failed",
    TlsLegacyVersion = "tls.legacy_version",
    TlsVerifyDisabled = "tls.verify_disabled",
    TlsExpiresSoon = "tls.expires_soon",
    TlsClientCertRequired = "tls.client_cert_required",
    TlsClientCertRejected = "tls.client_cert_rejected",
    TlsClientCertUnusable = "tls.client_cert_unusable",
    TlsClientCertExpired = "tls.client_cert_expired",
    ProtocolWrongService = "protocol.wrong_service",
    ProtocolInvalidResponse = "protocol.invalid_response",
    ProtocolServiceUnavailable = "protocol.service_unavailable",
    AuthFailed = "auth.failed",
    AuthMechanismUnsupported = "auth.mechanism_unsupported",
    AuthPlaintextDisabled = "auth.plaintext_disabled",
    AuthUnencryptedNotAllowed = "auth.unencrypted_not_allowed",
    AuthPasswordMissing = "auth.password_missing",
    AuthMethodNotAvailable = "auth.method_not_available",
    AuthNtlmNotOffered = "auth.ntlm_not_offered",
    AuthNtlmRefused = "auth.ntlm_refused",
    AuthNtlmDomainMismatch = "auth.ntlm_domain_mismatch",
    AuthPlaintextSent = "auth.plaintext_sent",
    AuthTemporary = "auth.temporary",
    AuthPasswordExpired = "auth.password_expired",
    AuthAccountDisabled = "auth.account_disabled",
    AuthAccessDisabled = "auth.access_disabled",
    AuthAppPasswordRequired = "auth.app_password_required",
    AuthWebLoginRequired = "auth.web_login_required",
    AuthNotAuthorized = "auth.not_authorized",
    AuthMailboxInUse = "auth.mailbox_in_use",
    AuthLoginDelay = "auth.login_delay",
    OauthTokenInvalid = "oauth.token_invalid",
    OauthConsentMissing = "oauth.consent_missing",
    OauthAdminApproval = "oauth.admin_approval",
    OauthScopeMissing = "oauth.scope_missing",
    OauthWrongUser = "oauth.wrong_user",
    OauthNotConnected = "oauth.not_connected",
    OauthHostNotAllowed = "oauth.host_not_allowed",
    OauthAccessDenied = "oauth.access_denied",
    OauthClientInvalid = "oauth.client_invalid",
    OauthDeviceExpired = "oauth.device_expired",
    OauthProviderUnreachable = "oauth.provider_unreachable",
    OauthProviderError = "oauth.provider_error",
    OauthEndpointWrong = "oauth.endpoint_wrong",
    OauthFlowUnavailable = "oauth.flow_unavailable",
    OauthStateMismatch = "oauth.state_mismatch",
    OauthBrowserTimeout = "oauth.browser_timeout",
    OauthCancelled = "oauth.cancelled",
    ImapMailboxMissing = "imap.mailbox_missing",
    ImapFolderMissing = "imap.folder_missing",
    ImapTrashMissing = "imap.trash_missing",
    Pop3UidlMissing = "pop3.uidl_missing",
    SmtpSenderRejected = "smtp.sender_rejected",
    SmtpRelayDenied = "smtp.relay_denied",
    SmtpRelayDeniedAppServer = "smtp.relay_denied_app_server",
    SmtpAppServerSends = "smtp.app_server_sends",
    SmtpRecipientRejected = "smtp.recipient_rejected",
    SmtpMessageRejected = "smtp.message_rejected",
    SmtpAuthRequired = "smtp.auth_required",
    SmtpTemporary = "smtp.temporary",
    RoundtripNotReceived = "roundtrip.not_received",
    GraphTokenRejected = "graph.token_rejected",
    GraphPermissionMissing = "graph.permission_missing",
    GraphMailboxNotFound = "graph.mailbox_not_found",
    GraphAccessPolicy = "graph.access_policy",
    GraphUnavailable = "graph.unavailable",
    GraphError = "graph.error",
    SmimeCertificateMissing = "smime.certificate_missing",
    SmimeKeyMissing = "smime.key_missing",
    SmimeCertificateExpired = "smime.certificate_expired",
    SmimeWrongPurpose = "smime.wrong_purpose",
    SmimeAddressMismatch = "smime.address_mismatch",
    SmimeFailed = "smime.failed",
    SmimeSignatureInvalid = "smime.signature_invalid",
    DomainMxMissing = "domain.mx_missing",
    DomainMxUnresolvable = "domain.mx_unresolvable",
    DomainSpfMissing = "domain.spf_missing",
    DomainSpfMultiple = "domain.spf_multiple",
    DomainSpfInvalid = "domain.spf_invalid",
    DomainSpfTooManyLookups = "domain.spf_too_many_lookups",
    DomainSpfAllowsAll = "domain.spf_allows_all",
    DomainSpfNotAuthorized = "domain.spf_not_authorized",
    DomainSpfNoOutgoing = "domain.spf_no_outgoing",
    DomainDmarcMissing = "domain.dmarc_missing",
    DomainDmarcInvalid = "domain.dmarc_invalid",
    DomainDmarcMonitorOnly = "domain.dmarc_monitor_only",
    DomainDmarcPartial = "domain.dmarc_partial",
    DomainDkimMissing = "domain.dkim_missing",
    DomainDkimNoneFound = "domain.dkim_none_found",
    DomainDkimInvalid = "domain.dkim_invalid",
    DomainMtaStsMissing = "domain.mta_sts_missing",
    DomainMtaStsInvalid = "domain.mta_sts_invalid",
    DomainMtaStsPolicyUnreachable = "domain.mta_sts_policy_unreachable",
    DomainMtaStsMxMismatch = "domain.mta_sts_mx_mismatch",
    DomainTlsRptMissing = "domain.tls_rpt_missing",
    DomainTlsRptInvalid = "domain.tls_rpt_invalid",
    DomainAutoconfigMissing = "domain.autoconfig_missing",
    DomainSrvMissing = "domain.srv_missing",
    DetectNotPublished = "detect.not_published",
    DetectTimeout = "detect.timeout",
    DetectUnreachable = "detect.unreachable",
    DetectDocumentInvalid = "detect.document_invalid",
    DetectDocumentTooLarge = "detect.document_too_large",
    DetectDocumentDtd = "detect.document_dtd",
    DetectInsecureRefused = "detect.insecure_refused",
    DetectSkipped = "detect.skipped",
    TestIncomingNotChecked = "test.incoming_not_checked",
    TestOutgoingNotChecked = "test.outgoing_not_checked",
    CaldavDiscoveryFailed = "caldav.discovery_failed",
    CaldavNotCaldav = "caldav.not_caldav",
    CaldavAuthFailed = "caldav.auth_failed",
    CaldavAccessDenied = "caldav.access_denied",
    CaldavCalendarNotFound = "caldav.calendar_not_found",
    CaldavReadFailed = "caldav.read_failed",
    CaldavPlainHttp = "caldav.plain_http",
    }
}

type Pair = (&'static str, &'static str);

/// (title, explanation, fix), each (German, English).
fn texts(code: DiagnosisCode) -> (Pair, Pair, Pair) {
    use DiagnosisCode::*;
    match code {
        DetectNotPublished => (
            ("Hier nichts veröffentlicht", "Nothing published here"),
            (
                "Unter „{host}“ sind keine E-Mail-Einstellungen veröffentlicht (kein Eintrag, keine Datei).",
                "No mail settings are published at \"{host}\" (no record, no file).",
            ),
            (
                "Nichts zu tun, solange eine andere Quelle die Einstellungen liefert. Wer die Domain verwaltet, kann eine Autoconfig-Datei veröffentlichen.",
                "Nothing to do while another source gives the settings. Whoever runs the domain can publish an autoconfig file.",
            ),
        ),
        DetectTimeout => (
            ("Keine Antwort rechtzeitig", "No answer in time"),
            (
                "„{host}“ hat innerhalb der Zeitgrenze nicht geantwortet; die Ermittlung hat nicht länger gewartet.",
                "\"{host}\" did not answer within the time limit; detection did not wait any longer.",
            ),
            (
                "Netzwerk und Firewall prüfen; das Zeitbudget der Ermittlung lässt sich in den allgemeinen Einstellungen erhöhen.",
                "Check the network and firewall; the detection time budget can be raised in the general settings.",
            ),
        ),
        DetectUnreachable => (
            ("Quelle nicht erreichbar", "Source unreachable"),
            (
                "Die Anfrage an „{host}“ ist gescheitert (Verbindung, TLS oder Fehlerantwort des Servers).",
                "The request to \"{host}\" failed (connection, TLS or an error answer from the server).",
            ),
            (
                "Die Angaben unter Details prüfen; bei einem Zertifikatsfehler die Zertifizierungsstelle als zusätzliche CA hinterlegen.",
                "Check the details; for a certificate error, add the certificate authority as an extra CA.",
            ),
        ),
        DetectDocumentInvalid => (
            ("Ungültiges Dokument", "Invalid document"),
            (
                "Die Antwort von „{host}“ ist kein gültiges Autoconfig-Dokument; das fehlerhafte Feld steht unter Details.",
                "The answer from \"{host}\" is not a valid autoconfig document; the faulty field is in the details.",
            ),
            (
                "Wer die Datei veröffentlicht, muss sie korrigieren (Format config-v1.1.xml von Thunderbird).",
                "Whoever publishes the file must correct it (Thunderbird's config-v1.1.xml format).",
            ),
        ),
        DetectDocumentTooLarge => (
            ("Dokument zu groß", "Document too large"),
            (
                "Die Antwort von „{host}“ ist größer als erlaubt und wurde nicht gelesen.",
                "The answer from \"{host}\" is larger than allowed and was not read.",
            ),
            (
                "Ein Autoconfig-Dokument ist wenige Kilobyte groß; die Adresse liefert etwas anderes. Wer sie betreibt, muss das prüfen.",
                "An autoconfig document is a few kilobytes; this address serves something else. Whoever runs it must check.",
            ),
        ),
        DetectDocumentDtd => (
            ("Dokument mit DTD abgelehnt", "Document with a DTD refused"),
            (
                "Die Antwort von „{host}“ enthält eine DTD oder Entitäten; solche Dokumente werden aus Sicherheitsgründen nicht gelesen.",
                "The answer from \"{host}\" contains a DTD or entities; such documents are not read, for security.",
            ),
            (
                "Ein Autoconfig-Dokument braucht keine DTD. Wer die Datei veröffentlicht, muss sie entfernen.",
                "An autoconfig document needs no DTD. Whoever publishes the file must remove it.",
            ),
        ),
        DetectInsecureRefused => (
            ("Unverschlüsselte Quelle abgelehnt", "Unencrypted source refused"),
            (
                "„{host}“ liefert die Einstellungen nur über unverschlüsseltes HTTP oder leitet dorthin um; das ist nicht erlaubt.",
                "\"{host}\" gives the settings only over unencrypted HTTP or redirects there; that is not allowed.",
            ),
            (
                "Die Datei per HTTPS veröffentlichen lassen, oder HTTP in den allgemeinen Einstellungen ausdrücklich erlauben (das Ergebnis gilt dann als unbestätigt).",
                "Have the file published over HTTPS, or explicitly allow HTTP in the general settings (the result is then unconfirmed).",
            ),
        ),
        DetectSkipped => (
            ("Nicht gefragt", "Not asked"),
            (
                "Diese Quelle für „{host}“ wurde nicht oder nicht zu Ende gefragt: Eine besser eingestufte Quelle hat geantwortet, oder sie gilt nur mit Passwort bzw. Exchange.",
                "This source for \"{host}\" was not asked, or not to the end: a better-ranked source answered, or it applies only with a password or Exchange.",
            ),
            ("Nichts zu tun.", "Nothing to do."),
        ),
        DnsNotFound => (
            ("Servername nicht gefunden", "Server name not found"),
            (
                "Der Name „{host}“ ist im DNS nicht bekannt: Er ist falsch geschrieben, oder die Domain hat keinen solchen Eintrag.",
                "The name \"{host}\" does not exist in DNS: it is misspelled, or the domain has no such record.",
            ),
            (
                "Servernamen prüfen (Tippfehler, richtige Domain). Den korrekten Namen nennt der E-Mail-Anbieter in seiner Anleitung.",
                "Check the server name (typos, the right domain). The mail provider's instructions give the correct name.",
            ),
        ),
        DnsFailed => (
            ("Namensauflösung fehlgeschlagen", "Name lookup failed"),
            (
                "Der DNS-Server dieses Rechners hat für „{host}“ nicht geantwortet oder einen Fehler gemeldet.",
                "This computer's DNS server did not answer for \"{host}\" or reported an error.",
            ),
            (
                "Netzwerk- und DNS-Einstellungen dieses Rechners prüfen (werden andere Namen aufgelöst?); notfalls die IP-Adresse des Servers eintragen.",
                "Check this computer's network and DNS settings (do other names resolve?); if needed, enter the server's IP address.",
            ),
        ),
        NetRefused => (
            ("Verbindung abgelehnt", "Connection refused"),
            (
                "{host} ist erreichbar, aber auf Port {port} nimmt kein Dienst Verbindungen an.",
                "{host} is reachable, but no service accepts connections on port {port}.",
            ),
            (
                "Port prüfen: üblich für {protocol} sind {implicit_port} (SSL/TLS) und {starttls_port} (STARTTLS). Läuft der Dienst auf dem Server? Sperrt eine Firewall den Port?",
                "Check the port: {protocol} usually uses {implicit_port} (SSL/TLS) and {starttls_port} (STARTTLS). Is the service running on the server? Does a firewall block the port?",
            ),
        ),
        NetTimeout => (
            ("Zeitüberschreitung", "Timed out"),
            (
                "Der Server hat innerhalb des Timeouts nicht geantwortet. Oft verwirft eine Firewall die Pakete, der Port gehört zu einem anderen Dienst, oder der Server ist überlastet.",
                "The server did not answer within the timeout. Often a firewall drops the packets, the port belongs to another service, or the server is overloaded.",
            ),
            (
                "Port und Firewall prüfen (auch die ausgehende Firewall dieses Netzes). Ist der Server nur langsam, den Timeout erhöhen.",
                "Check the port and the firewall (including this network's outgoing firewall). If the server is merely slow, raise the timeout.",
            ),
        ),
        NetSilent => (
            ("Server antwortet nicht", "Server does not answer"),
            (
                "Die Verbindung zu {host}:{port} kam zustande, danach kam innerhalb der Wartezeit aber keine (vollständige) Antwort. Nach einem erfolgreichen Verbindungsaufbau ist meist der Port oder die Verschlüsselung falsch: Auf dem Port läuft ein anderer Dienst, oder der Server erwartet SSL/TLS, wo STARTTLS eingestellt ist (oder umgekehrt).",
                "The connection to {host}:{port} was made, but then no (complete) answer came within the waiting time. After a successful connect the port or the encryption is usually wrong: another service runs on the port, or the server expects SSL/TLS where STARTTLS is set (or the other way round).",
            ),
            (
                "Zuerst Port und Verschlüsselung prüfen: üblich für {protocol} sind {implicit_port} (SSL/TLS) und {starttls_port} (STARTTLS). Passen beide, kann eine Firewall oder ein Proxy die Verbindung nach dem Aufbau anhalten; ist der Server nur langsam, den Timeout erhöhen.",
                "First check port and encryption: {protocol} usually uses {implicit_port} (SSL/TLS) and {starttls_port} (STARTTLS). If both are right, a firewall or proxy may hold the connection after it was made; if the server is merely slow, raise the timeout.",
            ),
        ),
        NetUnreachable => (
            ("Netz nicht erreichbar", "Network unreachable"),
            (
                "Dieser Rechner hat keinen Weg zu {host}: keine Netzwerkverbindung, keine Route (z. B. IPv6 ohne IPv6-Anschluss) oder ein nicht verbundenes VPN.",
                "This computer has no route to {host}: no network connection, no route (e.g. IPv6 without IPv6 connectivity) or a VPN that is not connected.",
            ),
            (
                "Netzwerkverbindung und ggf. VPN prüfen; bei einer IPv6-Adresse den Namen oder die IPv4-Adresse verwenden.",
                "Check the network connection and any VPN; instead of an IPv6 address use the name or the IPv4 address.",
            ),
        ),
        NetClosed => (
            ("Verbindung vom Server getrennt", "Connection closed by the server"),
            (
                "Der Server hat die Verbindung unerwartet beendet – z. B. wegen falschem Port oder falscher Verschlüsselung, einer Sperre (zu viele Verbindungen, gesperrte IP-Adresse) oder eines Fehlers auf dem Server.",
                "The server closed the connection unexpectedly, e.g. because of a wrong port or encryption, a block (too many connections, a blocked IP address) or an error on the server.",
            ),
            (
                "Verschlüsselung und Port prüfen; im Protokoll nachsehen, nach welcher Zeile getrennt wurde; ggf. beim Betreiber nach Sperren fragen.",
                "Check encryption and port; see in the transcript after which line the server hung up; ask the operator about blocks if needed.",
            ),
        ),
        TlsExpectedImplicit => (
            ("Port erwartet SSL/TLS", "The port expects SSL/TLS"),
            (
                "Auf Port {port} erwartet der Server sofort eine verschlüsselte Verbindung (SSL/TLS), eingestellt ist aber eine zunächst unverschlüsselte Verbindung (STARTTLS oder keine Verschlüsselung).",
                "On port {port} the server expects an encrypted connection right away (SSL/TLS), but the settings start unencrypted (STARTTLS or no encryption).",
            ),
            (
                "Verschlüsselung auf „SSL/TLS“ stellen – oder für STARTTLS den Port {starttls_port} verwenden.",
                "Set the encryption to \"SSL/TLS\" – or use port {starttls_port} for STARTTLS.",
            ),
        ),
        TlsExpectedStarttls => (
            ("Port beginnt unverschlüsselt", "The port starts unencrypted"),
            (
                "Auf Port {port} meldet sich der Server unverschlüsselt (ein STARTTLS-Port), eingestellt ist aber SSL/TLS von Anfang an.",
                "On port {port} the server greets unencrypted (a STARTTLS port), but the settings expect SSL/TLS from the start.",
            ),
            (
                "Verschlüsselung auf „STARTTLS“ stellen – oder für SSL/TLS den Port {implicit_port} verwenden.",
                "Set the encryption to \"STARTTLS\" – or use port {implicit_port} for SSL/TLS.",
            ),
        ),
        TlsStarttlsUnsupported => (
            ("Server bietet kein STARTTLS an", "The server offers no STARTTLS"),
            (
                "Eingestellt ist STARTTLS, aber der Server bietet auf Port {port} keine Umschaltung auf Verschlüsselung an. Der Test bricht ab, statt unverschlüsselt weiterzumachen – sonst ginge das Passwort im Klartext über das Netz.",
                "STARTTLS is configured, but the server offers no switch to encryption on port {port}. The test stops rather than carry on unencrypted, which would send the password in clear text.",
            ),
            (
                "SSL/TLS mit Port {implicit_port} versuchen oder den Betreiber bitten, STARTTLS einzuschalten. Nur in einem vertrauenswürdigen Netz: Verschlüsselung „Keine“ mit ausdrücklicher Bestätigung.",
                "Try SSL/TLS on port {implicit_port}, or ask the operator to enable STARTTLS. Only on a trusted network: encryption \"none\" with explicit confirmation.",
            ),
        ),
        TlsHostnameMismatch => (
            ("Zertifikat passt nicht zum Servernamen", "The certificate does not match the server name"),
            (
                "Das Zertifikat des Servers ist für andere Namen ausgestellt als „{host}“ (siehe Nachweise). Das passiert, wenn ein anderer Name desselben Servers eingetragen ist – oder wenn sich jemand dazwischen geschaltet hat.",
                "The server's certificate is issued for other names than \"{host}\" (see evidence). This happens when another name of the same server is configured – or when someone sits in between.",
            ),
            (
                "Einen Namen aus dem Zertifikat als Server eintragen (oft der Name des Hosters) oder ihn unter „Abweichender Common Name“ hinterlegen, wenn der Name bewusst abweicht.",
                "Enter a name from the certificate as the server (often the hoster's name), or put it under \"Alternative certificate name\" if the difference is intended.",
            ),
        ),
        TlsExpired => (
            ("Zertifikat abgelaufen", "Certificate expired"),
            (
                "Das Zertifikat des Servers ist abgelaufen (Gültigkeit siehe Nachweise). Der Verbindung kann so nicht vertraut werden.",
                "The server's certificate has expired (validity see evidence). The connection cannot be trusted like this.",
            ),
            (
                "Der Serverbetreiber muss das Zertifikat erneuern. Geht die Uhr dieses Rechners falsch, Datum und Uhrzeit korrigieren.",
                "The server's operator must renew the certificate. If this computer's clock is wrong, correct date and time.",
            ),
        ),
        TlsNotYetValid => (
            ("Zertifikat noch nicht gültig", "Certificate not yet valid"),
            (
                "Das Zertifikat des Servers gilt erst ab einem späteren Zeitpunkt (siehe Nachweise). Meist geht die Uhr dieses Rechners oder des Servers falsch.",
                "The server's certificate only becomes valid later (see evidence). Usually the clock of this computer or of the server is wrong.",
            ),
            (
                "Datum, Uhrzeit und Zeitzone dieses Rechners prüfen; stimmen sie, den Serverbetreiber informieren.",
                "Check this computer's date, time and time zone; if they are right, tell the server's operator.",
            ),
        ),
        TlsSelfSigned => (
            ("Selbst signiertes Zertifikat", "Self-signed certificate"),
            (
                "Der Server weist sich mit einem selbst ausgestellten Zertifikat aus, dem kein Rechner von sich aus vertraut. Es kann echt sein (kleiner eigener Server) – oder von einem Angreifer stammen.",
                "The server identifies itself with a certificate it issued itself, which no computer trusts by default. It may be genuine (a small in-house server) – or come from an attacker.",
            ),
            (
                "Am besten auf dem Server ein Zertifikat einer öffentlichen Stelle (z. B. Let's Encrypt) einrichten. Sonst den SHA-256-Fingerabdruck (siehe Nachweise) beim Betreiber bestätigen lassen und in den TLS-Optionen hinterlegen – sicherer, als die Prüfung abzuschalten.",
                "Best: install a certificate from a public authority (e.g. Let's Encrypt) on the server. Otherwise have the operator confirm the SHA-256 fingerprint (see evidence) and pin it in the TLS options – safer than turning verification off.",
            ),
        ),
        TlsUntrustedIssuer => (
            ("Aussteller nicht vertrauenswürdig", "Untrusted issuer"),
            (
                "Das Zertifikat stammt von einer Zertifizierungsstelle, der dieser Rechner nicht vertraut (z. B. eine firmeneigene CA), oder der Server sendet das Zwischenzertifikat nicht mit.",
                "The certificate comes from an authority this computer does not trust (e.g. a company CA), or the server does not send the intermediate certificate.",
            ),
            (
                "Mit „Zertifikatskette prüfen und vertrauen …“ die Kette ansehen, den SHA-256-Fingerabdruck der Stammzertifizierungsstelle mit der IT der Firma vergleichen und ihr vertrauen (oder nur dieses Serverzertifikat anheften). Ist die Stammzertifizierungsstelle bereits unter Einstellungen → Zertifikate importiert, dort „als Stammzertifizierungsstelle vertrauen“ wählen (CLI: mbadmin cert trust NAME).",
                "With \"Check and trust certificate chain …\" view the chain, compare the root CA's SHA-256 fingerprint with the company's IT and trust it (or pin only this server certificate). If the root CA is already imported under Settings → Certificates, choose \"trust as root certification authority\" there (CLI: mbadmin cert trust NAME).",
            ),
        ),
        TlsPinMismatch => (
            ("Fingerabdruck stimmt nicht", "Fingerprint does not match"),
            (
                "Das Zertifikat des Servers hat einen anderen SHA-256-Fingerabdruck als hinterlegt. Entweder wurde das Zertifikat erneuert, oder jemand gibt sich als der Server aus.",
                "The server's certificate has a different SHA-256 fingerprint than the pinned one. Either the certificate was renewed, or someone is impersonating the server.",
            ),
            (
                "Beim Betreiber nachfragen, ob das Zertifikat erneuert wurde, und erst dann den neuen Fingerabdruck (siehe Nachweise) hinterlegen.",
                "Ask the operator whether the certificate was renewed, and only then pin the new fingerprint (see evidence).",
            ),
        ),
        TlsHandshakeFailed => (
            ("TLS-Aushandlung fehlgeschlagen", "TLS handshake failed"),
            (
                "Die verschlüsselte Verbindung kam nicht zustande (Details siehe Nachweise): Der Server spricht nur veraltete Protokolle (SSL 3, TLS 1.0/1.1), auf dem Port läuft kein TLS-Dienst, oder die Verbindung brach ab.",
                "The encrypted connection could not be set up (details see evidence): the server only speaks outdated protocols (SSL 3, TLS 1.0/1.1), no TLS service runs on the port, or the connection broke off.",
            ),
            (
                "Port und Verschlüsselung prüfen. Kann der Server nur TLS 1.0/1.1, muss er aktualisiert werden – diese Versionen gelten als unsicher.",
                "Check port and encryption. If the server only supports TLS 1.0/1.1 it must be updated – these versions are insecure.",
            ),
        ),
        TlsLegacyVersion => (
            ("Nur veraltetes TLS (1.0/1.1)", "Only outdated TLS (1.0/1.1)"),
            (
                "Der Server spricht nur TLS 1.0 oder 1.1 (siehe Nachweise). Diese Versionen gelten als unsicher; aktuelle Programme und Betriebssysteme lehnen sie ab, Exchange Online und Microsoft 365 ebenso.",
                "The server only speaks TLS 1.0 or 1.1 (see evidence). These versions are insecure; current programs and operating systems refuse them, and so do Exchange Online and Microsoft 365.",
            ),
            (
                "Auf dem Server TLS 1.2 oder neuer einschalten (bei Windows-Servern z. B. per Registry bzw. IIS Crypto, bei Dovecot/Postfix ssl_min_protocol bzw. smtpd_tls_protocols) und den Server gegebenenfalls aktualisieren.",
                "Enable TLS 1.2 or later on the server (Windows servers: e.g. in the registry or with IIS Crypto; Dovecot/Postfix: ssl_min_protocol or smtpd_tls_protocols) and update the server if needed.",
            ),
        ),
        TlsVerifyDisabled => (
            ("Zertifikatsprüfung ist abgeschaltet", "Certificate verification is off"),
            (
                "Die Verbindung ist verschlüsselt, aber es wird nicht geprüft, ob das Gegenüber wirklich {host} ist. Ein Angreifer im Netz könnte das Passwort mitlesen.",
                "The connection is encrypted, but nothing checks that the other end really is {host}. An attacker on the network could read the password.",
            ),
            (
                "Die Prüfung wieder einschalten; bei einem selbst signierten Zertifikat stattdessen den SHA-256-Fingerabdruck hinterlegen.",
                "Turn verification back on; for a self-signed certificate pin its SHA-256 fingerprint instead.",
            ),
        ),
        TlsExpiresSoon => (
            ("Zertifikat läuft bald ab", "Certificate expires soon"),
            (
                "Das Zertifikat des Servers läuft in wenigen Tagen ab (siehe Nachweise). Danach schlagen die Verbindungen fehl.",
                "The server's certificate expires in a few days (see evidence). After that, connections will fail.",
            ),
            (
                "Den Serverbetreiber bitten, das Zertifikat rechtzeitig zu erneuern.",
                "Ask the server's operator to renew the certificate in time.",
            ),
        ),
        TlsClientCertRequired => (
            ("Server verlangt ein Client-Zertifikat", "The server requires a client certificate"),
            (
                "Der Server verlangt bei der Verschlüsselung ein Client-Zertifikat, für diesen Server ist aber keins eingestellt.",
                "The server requires a client certificate during the TLS handshake, but none is configured for this server.",
            ),
            (
                "Das Zertifikat mit privatem Schlüssel (PKCS#12 oder PEM) unter „Zertifikate“ importieren und beim Posteingangs- oder Postausgangsserver als „TLS-Client-Zertifikat“ wählen.",
                "Import the certificate with its private key (PKCS#12 or PEM) under \"Certificates\" and choose it as the server's \"TLS client certificate\" (incoming or outgoing server).",
            ),
        ),
        TlsClientCertRejected => (
            ("Server lehnt das Client-Zertifikat ab", "The server refused the client certificate"),
            (
                "Mailbox Admin hat das eingestellte Client-Zertifikat vorgelegt (siehe Nachweise), der Server hat es nicht angenommen – meist weil es nicht von einer Zertifizierungsstelle stammt, der der Server vertraut, oder weil es gesperrt ist.",
                "Mailbox Admin presented the configured client certificate (see evidence) and the server did not accept it – usually because it was not issued by a CA the server trusts, or because it was revoked.",
            ),
            (
                "Beim Serverbetreiber das richtige Client-Zertifikat (oder die Aufnahme seiner ausstellenden CA) erfragen und beim Server einstellen.",
                "Ask the server's operator for the right client certificate (or to trust its issuing CA) and choose it for the server.",
            ),
        ),
        TlsClientCertUnusable => (
            ("Client-Zertifikat nicht verwendbar", "Client certificate not usable"),
            (
                "Das eingestellte Client-Zertifikat kann nicht vorgelegt werden: es fehlt der private Schlüssel, oder er lässt sich nicht öffnen (siehe Nachweise). Es wurde keine Verbindung aufgebaut.",
                "The configured client certificate cannot be presented: its private key is missing or cannot be opened (see evidence). No connection was made.",
            ),
            (
                "Das Zertifikat mit privatem Schlüssel (PKCS#12 oder PEM mit Schlüssel) und dem richtigen Passwort neu importieren; ist der Schlüsselbund gesperrt, ihn entsperren.",
                "Import the certificate again with its private key (PKCS#12, or PEM with the key) and the right passphrase; if the keyring is locked, unlock it.",
            ),
        ),
        TlsClientCertExpired => (
            ("Client-Zertifikat abgelaufen", "Client certificate expired"),
            (
                "Das eingestellte Client-Zertifikat ist abgelaufen oder noch nicht gültig (siehe Nachweise); der Server würde es ablehnen. Es wurde keine Verbindung aufgebaut.",
                "The configured client certificate has expired or is not valid yet (see evidence); the server would refuse it. No connection was made.",
            ),
            (
                "Ein neues Client-Zertifikat ausstellen lassen, importieren und beim Server wählen.",
                "Have a new client certificate issued, import it and choose it for the server.",
            ),
        ),
        ProtocolWrongService => (
            ("Falscher Dienst auf diesem Port", "Wrong service on this port"),
            (
                "Auf Port {port} antwortet ein anderer Dienst als {protocol} (siehe Nachweise) – z. B. ein SMTP-Server auf dem IMAP-Port.",
                "On port {port} a service other than {protocol} answers (see evidence) – e.g. an SMTP server on the IMAP port.",
            ),
            (
                "Port prüfen: üblich für {protocol} sind {implicit_port} (SSL/TLS) und {starttls_port} (STARTTLS). Prüfen, ob Posteingangs- und Postausgangsserver vertauscht sind.",
                "Check the port: {protocol} usually uses {implicit_port} (SSL/TLS) and {starttls_port} (STARTTLS). Check that incoming and outgoing server are not swapped.",
            ),
        ),
        ProtocolInvalidResponse => (
            ("Ungültige Antwort des Servers", "Invalid answer from the server"),
            (
                "Der Server hat etwas gesendet, das nicht dem Protokoll {protocol} entspricht (zu lange Zeilen, zu viele Daten oder eine unverständliche Antwort). Ein defekter Server, ein Proxy oder ein fremder Dienst kann die Ursache sein.",
                "The server sent something that is not {protocol} (overlong lines, too much data or an answer that makes no sense). A broken server, a proxy or a foreign service may be the cause.",
            ),
            (
                "Port und Verschlüsselung prüfen; bleibt der Fehler, das Protokoll dieses Tests an den Serverbetreiber geben.",
                "Check port and encryption; if it persists, give this test's transcript to the server's operator.",
            ),
        ),
        ProtocolServiceUnavailable => (
            ("Server verweigert den Dienst", "The server refuses service"),
            (
                "Der Server hat sich gemeldet, lehnt die Verbindung aber ab (siehe Serverantwort) – z. B. wegen Wartung, Überlast oder weil diese IP-Adresse gesperrt ist.",
                "The server answered but refuses the connection (see its reply) – e.g. maintenance, overload, or this IP address is blocked.",
            ),
            (
                "Später erneut testen; bei einer Sperre den Betreiber bitten, die öffentliche IP-Adresse dieses Standorts freizugeben.",
                "Test again later; if blocked, ask the operator to allow this site's public IP address.",
            ),
        ),
        AuthFailed => (
            ("Anmeldung fehlgeschlagen", "Login failed"),
            (
                "Der Server hat Benutzername oder Passwort abgelehnt.",
                "The server rejected the user name or the password.",
            ),
            (
                "Benutzername (oft die vollständige E-Mail-Adresse) und Passwort prüfen. Bei Zwei-Faktor-Anmeldung (z. B. Gmail, T-Online) ist ein App-Passwort nötig; bei GMX und WEB.DE muss IMAP/POP3 erst im Webportal freigeschaltet werden.",
                "Check the user name (often the full e-mail address) and the password. With two-factor sign-in (e.g. Gmail, T-Online) an app password is needed; GMX and WEB.DE require IMAP/POP3 to be enabled in their web portal first.",
            ),
        ),
        AuthMechanismUnsupported => (
            ("Anmeldeverfahren nicht angeboten", "Authentication method not offered"),
            (
                "Der Server bietet das eingestellte Anmeldeverfahren nicht an (angebotene Verfahren siehe Nachweise).",
                "The server does not offer the configured authentication method (offered methods see evidence).",
            ),
            (
                "Unter „Authentifizierung“ ein angebotenes Verfahren wählen – meist „Passwort“ (PLAIN/LOGIN) über eine verschlüsselte Verbindung.",
                "Choose an offered method under \"Authentication\" – usually \"Password\" (PLAIN/LOGIN) over an encrypted connection.",
            ),
        ),
        AuthPlaintextDisabled => (
            ("Server verbietet Anmeldung ohne Verschlüsselung", "The server refuses login without encryption"),
            (
                "Der Server erlaubt die Anmeldung mit Passwort erst, wenn die Verbindung verschlüsselt ist.",
                "The server only accepts a password login once the connection is encrypted.",
            ),
            (
                "Verschlüsselung auf „STARTTLS“ (Port {starttls_port}) oder „SSL/TLS“ (Port {implicit_port}) stellen.",
                "Set the encryption to \"STARTTLS\" (port {starttls_port}) or \"SSL/TLS\" (port {implicit_port}).",
            ),
        ),
        AuthUnencryptedNotAllowed => (
            ("Passwort würde unverschlüsselt gesendet", "The password would travel unencrypted"),
            (
                "Die Verschlüsselung steht auf „Keine“. Ohne ausdrückliche Bestätigung sendet Mailbox Admin kein Passwort über eine unverschlüsselte Verbindung.",
                "The encryption is set to \"none\". Without explicit confirmation Mailbox Admin sends no password over an unencrypted connection.",
            ),
            (
                "Besser STARTTLS oder SSL/TLS einstellen. Nur in einem vertrauenswürdigen Netz: die unverschlüsselte Anmeldung in den Einstellungen ausdrücklich erlauben.",
                "Better set STARTTLS or SSL/TLS. Only on a trusted network: explicitly allow the unencrypted login in the settings.",
            ),
        ),
        AuthPasswordMissing => (
            ("Kein Passwort verfügbar", "No password available"),
            (
                "Für die Anmeldung ist ein Passwort nötig, im Schlüsselbund ist aber keins hinterlegt oder er war nicht erreichbar (siehe Nachweise).",
                "The login needs a password, but none is stored in the keyring or the keyring was not reachable (see evidence).",
            ),
            (
                "Im Feld „Passwort“ des Kontos (bzw. des getesteten Servers) das Passwort eintragen und speichern. Übernimmt das Konto die Anmeldung vom Posteingangsserver, das Passwort dort eintragen. Ist der Schlüsselbund gesperrt, ihn entsperren.",
                "Enter the password in the \"Password\" field of the account (or of the tested server) and save. If the account takes its login from the incoming server, enter it there. If the keyring is locked, unlock it.",
            ),
        ),
        // Only in test runs stored by versions before NTLM was tested; never produced now.
        AuthMethodNotAvailable => (
            ("Anmeldeverfahren damals nicht testbar", "Authentication method not testable then"),
            (
                "Dieser gespeicherte Test stammt aus einer älteren Version, die die Windows-Anmeldung (NTLM) noch nicht prüfen konnte.",
                "This stored test comes from an older version that could not check Windows authentication (NTLM) yet.",
            ),
            (
                "Den Test erneut ausführen: die Windows-Anmeldung wird jetzt geprüft.",
                "Run the test again: Windows authentication is checked now.",
            ),
        ),
        AuthNtlmNotOffered => (
            ("Windows-Anmeldung (NTLM) nicht angeboten", "Windows authentication (NTLM) not offered"),
            (
                "Eingestellt ist die Windows-Anmeldung (NTLM), der Server bietet NTLM aber nicht an (angebotene Verfahren siehe Nachweise).",
                "Windows authentication (NTLM) is configured, but the server does not offer NTLM (offered methods see evidence).",
            ),
            (
                "Unter „Authentifizierung“ ein angebotenes Verfahren wählen, meist „Passwort“. Soll es NTLM sein: bei Exchange die integrierte Windows-Authentifizierung für IMAP/POP3 (Set-ImapSettings/Set-PopSettings -EnableGSSAPIAndNTLMAuth $true) bzw. am Empfangsconnector (AuthMechanism „Integrated“) einschalten.",
                "Choose an offered method under \"Authentication\", usually \"Password\". If it must be NTLM: on Exchange enable integrated Windows authentication for IMAP/POP3 (Set-ImapSettings/Set-PopSettings -EnableGSSAPIAndNTLMAuth $true) or on the receive connector (AuthMechanism \"Integrated\").",
            ),
        ),
        AuthNtlmRefused => (
            ("Windows-Anmeldung abgelehnt", "Windows login refused"),
            (
                "Der Server hat die Windows-Anmeldung (NTLM) abgelehnt. NTLM sagt nicht, ob Benutzername, Windows-Domäne oder Passwort falsch ist (verwendete Domäne siehe Nachweise).",
                "The server refused the Windows (NTLM) login. NTLM does not tell whether the user name, the Windows domain or the password is wrong (the domain used see evidence).",
            ),
            (
                "Benutzername (ohne Domäne), die Windows-Domäne (NetBIOS-Name, z. B. FIRMA) im Feld „NTLM-Domäne“ und das Passwort prüfen. Ist das Feld leer, kann die Domäne auch als „DOMÄNE\\benutzer“ im Benutzernamen stehen.",
                "Check the user name (without domain), the Windows domain (NetBIOS name, e.g. CONTOSO) in the \"NTLM domain\" field and the password. If the field is empty, the domain may also be given as \"DOMAIN\\user\" in the user name.",
            ),
        ),
        AuthNtlmDomainMismatch => (
            ("Windows-Domäne passt nicht zum Server", "Windows domain does not match the server"),
            (
                "Der Server hat die Windows-Anmeldung (NTLM) abgelehnt, und die eingestellte Domäne ist nicht die, die der Server nennt (siehe Nachweise). Wahrscheinlich ist die Domäne falsch.",
                "The server refused the Windows (NTLM) login, and the configured domain is not the one the server announces (see evidence). The domain is probably wrong.",
            ),
            (
                "Im Feld „NTLM-Domäne“ die Domäne des Servers eintragen (oder die Domäne des Benutzers, wenn sie der des Servers vertraut) und Benutzername und Passwort prüfen.",
                "Enter the server's domain in the \"NTLM domain\" field (or the user's domain if it is trusted by the server's) and check user name and password.",
            ),
        ),
        AuthPlaintextSent => (
            ("Passwort unverschlüsselt übertragen", "Password sent unencrypted"),
            (
                "Die Anmeldung hat geklappt, das Passwort ging aber – wie bestätigt – unverschlüsselt über das Netz.",
                "The login worked, but – as confirmed – the password crossed the network unencrypted.",
            ),
            (
                "Wenn der Server es kann, STARTTLS (Port {starttls_port}) oder SSL/TLS (Port {implicit_port}) verwenden.",
                "If the server supports it, use STARTTLS (port {starttls_port}) or SSL/TLS (port {implicit_port}).",
            ),
        ),
        AuthTemporary => (
            ("Anmeldedienst des Servers vorübergehend gestört", "The server's login service failed temporarily"),
            (
                "Der Server konnte die Anmeldung gerade nicht prüfen (vorübergehender Fehler, siehe Serverantwort) – z. B. weil sein Anmeldedienst ausgefallen oder überlastet ist. Das Passwort wurde nicht beurteilt: Es kann richtig sein.",
                "The server could not check the login just now (a temporary failure, see its reply) – e.g. because its authentication service is down or overloaded. The password was not judged: it may well be right.",
            ),
            (
                "Später erneut testen. Bleibt der Fehler, den Betreiber des Servers informieren (die Serverantwort aus den Nachweisen mitschicken) – Benutzername und Passwort nicht ändern.",
                "Test again later. If it persists, tell the server's operator (include the server's reply from the evidence) – do not change user name or password.",
            ),
        ),
        AuthPasswordExpired => (
            ("Passwort abgelaufen", "Password expired"),
            (
                "Der Server meldet, dass das Passwort abgelaufen ist oder geändert werden muss, bevor sich das Konto wieder anmelden kann.",
                "The server reports that the password has expired or must be changed before the account can log in again.",
            ),
            (
                "Das Passwort beim Anbieter (Webportal) bzw. vom Administrator neu setzen lassen und das neue Passwort hier hinterlegen.",
                "Have the password reset at the provider (web portal) or by the administrator, and store the new password here.",
            ),
        ),
        AuthAccountDisabled => (
            ("Konto gesperrt oder deaktiviert", "Account locked or disabled"),
            (
                "Der Server lehnt dieses Konto dauerhaft ab, und zwar nicht wegen des Passworts: Es ist gesperrt, deaktiviert, oder der Betreiber muss etwas freischalten (siehe Serverantwort).",
                "The server refuses this account permanently, and not because of the password: it is locked, disabled, or the operator must enable something (see the server's reply).",
            ),
            (
                "Beim Anbieter oder Administrator klären, warum das Konto gesperrt ist (z. B. nach verdächtigen Anmeldungen oder offenen Rechnungen); dort im Webportal anmelden und den Hinweis lesen.",
                "Ask the provider or administrator why the account is locked (e.g. after suspicious logins or unpaid invoices); sign in to the web portal and read its notice.",
            ),
        ),
        AuthAccessDisabled => (
            ("Zugriff über {protocol} ist für dieses Konto abgeschaltet", "{protocol} access is turned off for this account"),
            (
                "Benutzername und Passwort sind nicht das Problem: Der Anbieter lässt für dieses Postfach (oder die ganze Organisation) keine Anmeldung über {protocol} zu.",
                "User name and password are not the problem: the provider does not allow logins over {protocol} for this mailbox (or the whole organisation).",
            ),
            (
                "Den Zugriff über {protocol} in den Einstellungen des Postfachs beim Anbieter bzw. vom Administrator einschalten lassen (Hinweise des Anbieters siehe Nachweise).",
                "Have {protocol} access turned on in the mailbox's settings at the provider, or by the administrator (see the provider's notes in the evidence).",
            ),
        ),
        AuthAppPasswordRequired => (
            ("App-Passwort erforderlich", "App password required"),
            (
                "Das Konto ist mit Zwei-Faktor-Anmeldung geschützt oder hat ein eigenes E-Mail-Passwort: Das normale Anmeldepasswort gilt für E-Mail-Programme nicht.",
                "The account is protected by two-factor sign-in or has a separate e-mail password: the normal sign-in password is not valid for mail programs.",
            ),
            (
                "Beim Anbieter ein App-Passwort (bzw. E-Mail-Passwort) erzeugen und dieses statt des normalen Passworts hinterlegen.",
                "Create an app password (or e-mail password) at the provider and store it instead of the normal password.",
            ),
        ),
        AuthWebLoginRequired => (
            ("Anmeldung im Browser nötig", "Sign-in in the browser needed"),
            (
                "Der Anbieter hat die Anmeldung aus Sicherheitsgründen angehalten (ungewohnter Ort oder ungewohntes Programm) und verlangt, dass sich der Benutzer zuerst im Browser anmeldet.",
                "The provider held the login back for security reasons (an unusual place or program) and wants the user to sign in in a browser first.",
            ),
            (
                "Mit diesem Konto im Webportal des Anbieters anmelden und die Sicherheitsabfrage bestätigen, dann erneut testen; bei Zwei-Faktor-Anmeldung ein App-Passwort verwenden.",
                "Sign in to the provider's web portal with this account and confirm the security check, then test again; with two-factor sign-in use an app password.",
            ),
        ),
        AuthNotAuthorized => (
            ("Anmeldung gültig, Zugriff nicht erlaubt", "Login valid, access not allowed"),
            (
                "Der Server hat die Anmeldedaten akzeptiert, erlaubt diesem Benutzer aber keinen Zugriff auf das gewünschte Postfach (Berechtigung fehlt).",
                "The server accepted the credentials but does not allow this user to access the requested mailbox (permission missing).",
            ),
            (
                "Anmeldename und Postfach prüfen; für ein fremdes oder freigegebenes Postfach beim Administrator den Vollzugriff einrichten lassen.",
                "Check the login name and the mailbox; for someone else's or a shared mailbox have the administrator grant full access.",
            ),
        ),
        AuthMailboxInUse => (
            ("Postfach gerade in Benutzung", "Mailbox in use"),
            (
                "Ein anderes Programm oder Gerät hat das Postfach gerade geöffnet; der Server lässt nur eine Sitzung zu. Das Passwort ist in Ordnung.",
                "Another program or device has the mailbox open right now; the server allows one session only. The password is fine.",
            ),
            (
                "Andere Programme, die das Postfach abrufen, schließen oder deren Abrufintervall verlängern; dann erneut testen.",
                "Close other programs that fetch this mailbox or lengthen their polling interval; then test again.",
            ),
        ),
        AuthLoginDelay => (
            ("Zu früh erneut angemeldet", "Logged in again too soon"),
            (
                "Der Server erlaubt Anmeldungen nur in einem Mindestabstand, und der ist noch nicht verstrichen. Das Passwort ist in Ordnung.",
                "The server only allows logins at a minimum interval, which has not passed yet. The password is fine.",
            ),
            (
                "Etwas warten und erneut testen; das Abrufintervall der Programme auf diesem Postfach nicht kürzer als vom Anbieter erlaubt einstellen.",
                "Wait a while and test again; do not set the polling interval of programs on this mailbox shorter than the provider allows.",
            ),
        ),
        OauthTokenInvalid => (
            ("OAuth-Token ungültig", "OAuth token invalid"),
            (
                "Der Server hat das OAuth2-Zugriffstoken abgelehnt: abgelaufen, widerrufen, für einen anderen Benutzer oder ohne die nötige Berechtigung.",
                "The server rejected the OAuth2 access token: expired, revoked, issued for another user or without the required permission.",
            ),
            (
                "Das Konto erneut verbinden („Verbinden“) und mit dem richtigen Benutzer zustimmen.",
                "Connect the account again (\"Connect\") and consent as the right user.",
            ),
        ),
        OauthConsentMissing => (
            ("Zustimmung fehlt", "Consent missing"),
            (
                "Für den Zugriff fehlt die Zustimmung (bei Microsoft 365 oft die Administratorzustimmung).",
                "The access lacks consent (with Microsoft 365 often the administrator's consent).",
            ),
            (
                "Einen Administrator des Mandanten die Berechtigungen der Anwendung genehmigen lassen und dann erneut verbinden.",
                "Have an administrator of the tenant approve the application's permissions, then connect again.",
            ),
        ),
        OauthAdminApproval => (
            ("Administratorzustimmung nötig", "Administrator approval needed"),
            (
                "Der Anbieter verlangt, dass ein Administrator die Anwendung für den Mandanten freigibt, bevor Benutzer zustimmen dürfen.",
                "The provider requires an administrator to approve the application for the tenant before users may consent.",
            ),
            (
                "Einen globalen Administrator bitten, im Entra Admin Center unter „Unternehmensanwendungen“ → Anwendung → „Berechtigungen“ die Administratorzustimmung zu erteilen; danach erneut verbinden.",
                "Ask a global administrator to grant admin consent in the Entra admin center under \"Enterprise applications\" → the application → \"Permissions\"; then connect again.",
            ),
        ),
        OauthScopeMissing => (
            ("Berechtigung fehlt", "Permission (scope) missing"),
            (
                "Das Token enthält nicht die Berechtigung für diesen Dienst (z. B. IMAP.AccessAsUser.All, POP.AccessAsUser.All oder SMTP.Send).",
                "The token lacks the permission for this service (e.g. IMAP.AccessAsUser.All, POP.AccessAsUser.All or SMTP.Send).",
            ),
            (
                "Im OAuth-Anbieter die Scopes prüfen („Standardwerte verwenden“), in der App-Registrierung die Berechtigungen ergänzen und das Konto erneut verbinden.",
                "Check the scopes in the OAuth provider (\"Use defaults\"), add the permissions to the app registration and connect the account again.",
            ),
        ),
        OauthWrongUser => (
            ("Token gehört einem anderen Benutzer", "Token belongs to another user"),
            (
                "Zugestimmt hat ein anderer Benutzer als der, mit dem sich das Konto anmeldet (siehe Nachweise). Der Server nimmt das Token für dieses Postfach nicht an.",
                "A different user consented than the one the account logs in as (see evidence). The server does not accept the token for this mailbox.",
            ),
            (
                "Erneut verbinden und im Browser mit dem Benutzer des Postfachs anmelden (ggf. privates Fenster oder abmelden); oder den Benutzernamen des Kontos korrigieren.",
                "Connect again and sign in as the mailbox's user in the browser (use a private window or sign out first); or correct the account's user name.",
            ),
        ),
        OauthNotConnected => (
            ("Konto nicht mit OAuth verbunden", "Account not connected with OAuth"),
            (
                "Der Server meldet sich per OAuth2 an, für dieses Konto liegt aber kein Token vor (nie verbunden, getrennt, oder der Schlüsselbund war nicht erreichbar).",
                "The server logs in with OAuth2, but there is no token for this account (never connected, disconnected, or the keyring was not reachable).",
            ),
            (
                "Im Konto „Verbinden“ wählen (Browser oder Gerätecode) und mit dem Benutzer des Postfachs zustimmen.",
                "Choose \"Connect\" on the account (browser or device code) and consent as the mailbox's user.",
            ),
        ),
        OauthHostNotAllowed => (
            ("Token nicht für diesen Server", "Token not meant for this server"),
            (
                "Der Server „{host}“ gehört nicht zu den Servern, an die Tokens dieses OAuth-Anbieters gehen dürfen (Microsoft 365: die Server von Exchange Online; Google: die von Gmail; ein eigener Anbieter: die dort unter „Token-Server“ eingetragenen, sonst Server in der Domain seines Token-Endpunkts). Ein Token – erst recht ein mandantenweites App-Token – wird keinem anderen Server gezeigt; der Test hat es nicht gesendet.",
                "The server \"{host}\" is not among the servers this OAuth provider's tokens may go to (Microsoft 365: Exchange Online's servers; Google: Gmail's; a provider of your own: those listed under \"Token servers\", else servers in the domain of its token endpoint). A token — above all a tenant-wide app token — is shown to no other server; the test did not send it.",
            ),
            (
                "Servername prüfen (Tippfehler, alte Adresse), am Server den passenden OAuth-Anbieter wählen oder – bei einem eigenen Anbieter – den Server unter „Token-Server“ eintragen.",
                "Check the server name (a typo, an old address), choose the matching OAuth provider on the server or — for a provider of your own — add the server under \"Token servers\".",
            ),
        ),
        OauthAccessDenied => (
            ("Zustimmung abgelehnt", "Consent declined"),
            (
                "Bei der Anmeldung wurde die Zustimmung verweigert oder der Vorgang abgebrochen.",
                "The consent was declined at sign-in or the sign-in was abandoned.",
            ),
            (
                "Erneut verbinden und den angefragten Berechtigungen zustimmen.",
                "Connect again and accept the requested permissions.",
            ),
        ),
        OauthClientInvalid => (
            ("Client-ID oder Geheimnis falsch", "Client id or secret wrong"),
            (
                "Der Anbieter kennt die Anwendung nicht oder das Client-Geheimnis ist falsch bzw. abgelaufen.",
                "The provider does not know the application, or the client secret is wrong or expired.",
            ),
            (
                "Client-ID (Anwendungs-ID) und Mandanten-ID aus der App-Registrierung übernehmen; ein abgelaufenes Geheimnis dort neu erzeugen und im OAuth-Anbieter eintragen.",
                "Copy the client (application) id and the tenant id from the app registration; create a new secret there if it expired and enter it in the OAuth provider.",
            ),
        ),
        OauthDeviceExpired => (
            ("Gerätecode abgelaufen", "Device code expired"),
            (
                "Der Code wurde nicht rechtzeitig eingegeben.",
                "The code was not entered in time.",
            ),
            (
                "Erneut verbinden und den neuen Code zügig eingeben.",
                "Connect again and enter the new code promptly.",
            ),
        ),
        OauthProviderUnreachable => (
            ("Anbieter nicht erreichbar", "Provider unreachable"),
            (
                "Der Anmeldedienst des OAuth-Anbieters hat nicht geantwortet (Netzwerk, Proxy oder Firewall).",
                "The OAuth provider's sign-in service did not answer (network, proxy or firewall).",
            ),
            (
                "Internetverbindung und Firewall prüfen; die Endpunkte im OAuth-Anbieter kontrollieren.",
                "Check the internet connection and the firewall; check the endpoints of the OAuth provider.",
            ),
        ),
        OauthProviderError => (
            ("Fehler beim Anbieter", "Provider error"),
            (
                "Der OAuth-Anbieter hat die Anfrage abgelehnt (Meldung siehe Nachweise).",
                "The OAuth provider refused the request (its message see evidence).",
            ),
            (
                "Meldung des Anbieters lesen; Einstellungen des OAuth-Anbieters und der App-Registrierung prüfen.",
                "Read the provider's message; check the OAuth provider's settings and the app registration.",
            ),
        ),
        OauthEndpointWrong => (
            ("Endpunkt falsch", "Wrong endpoint"),
            (
                "Unter der angegebenen Adresse antwortet kein OAuth-Endpunkt bzw. kein Discovery-Dokument.",
                "No OAuth endpoint or discovery document answers at the given address.",
            ),
            (
                "Die Adresse prüfen oder „Standardwerte verwenden“.",
                "Check the address or choose \"Use defaults\".",
            ),
        ),
        OauthFlowUnavailable => (
            ("Anmeldeverfahren nicht eingerichtet", "Sign-in method not set up"),
            (
                "Für dieses Verfahren fehlt beim OAuth-Anbieter ein Endpunkt oder das Client-Geheimnis.",
                "The OAuth provider lacks an endpoint or the client secret for this method.",
            ),
            (
                "Ein anderes Verfahren wählen oder den OAuth-Anbieter vervollständigen.",
                "Choose another method or complete the OAuth provider.",
            ),
        ),
        OauthStateMismatch => (
            ("Anmeldung gehört nicht zu dieser Sitzung", "Sign-in from another session"),
            (
                "Die Rückleitung aus dem Browser trug einen fremden Sitzungswert (state) und wurde verworfen.",
                "The redirect from the browser carried a foreign session value (state) and was discarded.",
            ),
            ("Erneut verbinden.", "Connect again."),
        ),
        OauthBrowserTimeout => (
            ("Keine Rückmeldung aus dem Browser", "No answer from the browser"),
            (
                "Die Anmeldung im Browser wurde nicht rechtzeitig abgeschlossen.",
                "The sign-in in the browser was not completed in time.",
            ),
            (
                "Erneut verbinden; ohne nutzbaren Browser das Gerätecode-Verfahren wählen.",
                "Connect again; without a usable browser choose the device code method.",
            ),
        ),
        OauthCancelled => (
            ("Abgebrochen", "Cancelled"),
            ("Die Anmeldung wurde abgebrochen.", "The sign-in was cancelled."),
            ("Bei Bedarf erneut verbinden.", "Connect again when ready."),
        ),
        ImapMailboxMissing => (
            ("Mailbox-Pfad nicht gefunden", "Mailbox path not found"),
            (
                "Der eingestellte Mailbox-Pfad existiert auf dem Server nicht (vorhandene Ordner siehe Nachweise).",
                "The configured mailbox path does not exist on the server (existing folders see evidence).",
            ),
            (
                "Den Mailbox-Pfad aus der Ordnerliste wählen, meist „INBOX“. Auf das Trennzeichen des Servers achten (z. B. „INBOX.Archiv“ statt „INBOX/Archiv“).",
                "Pick the mailbox path from the folder list, usually \"INBOX\". Mind the server's separator (e.g. \"INBOX.Archive\" instead of \"INBOX/Archive\").",
            ),
        ),
        Pop3UidlMissing => (
            ("Server kennt keine Nachrichtenkennungen (UIDL)", "The server has no message ids (UIDL)"),
            (
                "„Nach … Tagen vom Server löschen“ ist eingestellt. Dafür muss die Anwendung abgeholte Nachrichten an ihrer Kennung (POP3-Befehl UIDL) wiedererkennen; dieser Server bietet UIDL nicht an (siehe Nachweise). Die Nachrichten würden nie gelöscht oder doppelt abgeholt.",
                "\"Delete from the server after … days\" is set. For that the application must recognise fetched messages by their id (the POP3 command UIDL); this server does not offer UIDL (see evidence). Messages would never be deleted, or be fetched twice.",
            ),
            (
                "„Nach … Tagen löschen“ ausschalten und stattdessen „Nach dem Abholen löschen“ wählen, oder – wenn der Server es anbietet – IMAP bzw. IMAP-Download verwenden.",
                "Switch \"delete after … days\" off and choose \"delete after fetching\" instead, or – if the server offers it – use IMAP or IMAP download.",
            ),
        ),
        ImapFolderMissing => (
            ("Sonderordner nicht gefunden", "Special folder not found"),
            (
                "Ein eingestellter Sonderordner (Papierkorb, Spam, Gesendet oder Gelöscht) existiert auf dem Server nicht (siehe Nachweise).",
                "A configured special folder (trash, junk, sent or deleted) does not exist on the server (see evidence).",
            ),
            (
                "Den Ordner aus der Ordnerliste wählen – der Server markiert seine Sonderordner (SPECIAL-USE) – oder das Feld leeren, dann wird er automatisch erkannt.",
                "Pick the folder from the folder list – the server marks its special folders (SPECIAL-USE) – or clear the field to have it detected automatically.",
            ),
        ),
        SmtpSenderRejected => (
            ("Absenderadresse abgelehnt", "Sender address rejected"),
            (
                "Der Postausgangsserver nimmt keine Mail mit dieser Absenderadresse an – meist, weil sie nicht zum angemeldeten Benutzer gehört.",
                "The outgoing server does not accept mail from this sender address – usually because it does not belong to the logged-in user.",
            ),
            (
                "Als Absenderadresse die Adresse des Postfachs eintragen, mit dem angemeldet wird, oder beim Betreiber „Senden als“ für diese Adresse einrichten lassen.",
                "Use the address of the mailbox that logs in as the sender, or have the operator grant \"send as\" for this address.",
            ),
        ),
        ImapTrashMissing => (
            ("Kein Papierkorb gefunden", "No trash folder found"),
            (
                "Das Konto löscht E-Mails, indem es sie in den Papierkorb verschiebt, aber es ist kein Papierkorb eingetragen, und der Server kennzeichnet keinen Ordner als Papierkorb (\\Trash): Gelöschte E-Mails hätten kein Ziel. Der Rundlauf-Test hat seine Test-E-Mail deshalb endgültig gelöscht.",
                "The account deletes mail by moving it to the trash, but no trash folder is configured and the server marks no folder as trash (\\Trash): deleted mail would have nowhere to go. The round trip therefore deleted its test mail permanently.",
            ),
            (
                "Unter Ordner den Papierkorb eintragen (oder ihn auf dem Server anlegen), oder als Löschverfahren „Als gelöscht markieren“ oder „Sofort endgültig löschen“ wählen.",
                "Enter the trash folder under folders (or create it on the server), or choose \"Mark as deleted\" or \"Delete permanently at once\" as the delete procedure.",
            ),
        ),
        SmtpAppServerSends => (
            ("Versand über den Anwendungsserver", "Sent via the application server"),
            (
                "Die Geschäftsanwendung versendet über diesen Server von ihrem Anwendungsserver aus; dieser Test hat sich von diesem Rechner aus verbunden. Ein Server, der nur für die Adresse des Anwendungsservers weiterleitet, kann diesen Rechner abweisen – das ist kein Fehler der Einstellungen. Ob der Server den Anwendungsserver annimmt, hat dieser Test nicht geprüft.",
                "The business application sends through this server from its application server; this test connected from this computer. A server that relays only for the application server's address may refuse this computer – that is not a fault of the settings. Whether the server accepts the application server, this test did not check.",
            ),
            (
                "Für einen vollständigen Nachweis den Test auf dem Anwendungsserver ausführen (mbadmin test outgoing NAME).",
                "For full proof, run the test on the application server (mbadmin test outgoing NAME).",
            ),
        ),
        SmtpRelayDeniedAppServer => (
            (
                "Weiterleitung für diesen Rechner verweigert (Versand über den Anwendungsserver)",
                "Relaying denied for this computer (sent via the application server)",
            ),
            (
                "Der Postausgangsserver leitet Mail von diesem Rechner nicht weiter. Für diesen Server ist „Senden via Server“ eingestellt: Die Geschäftsanwendung versendet von ihrem Anwendungsserver aus, und viele Server leiten nur für dessen Adresse ohne Anmeldung weiter. Dann ist diese Ablehnung zu erwarten und kein Fehler der Einstellungen.",
                "The outgoing server does not relay mail from this computer. This server is set to \"send via the application server\": the business application sends from its application server, and many servers relay without a login only for that server's address. Then this refusal is expected and not a fault of the settings.",
            ),
            (
                "Den Test auf dem Anwendungsserver ausführen (mbadmin test outgoing NAME), oder beim Betreiber prüfen lassen, dass der Server für die Adresse des Anwendungsservers weiterleitet (z. B. Postfix „mynetworks“). Soll auch dieser Rechner senden: Authentifizierung einschalten.",
                "Run the test on the application server (mbadmin test outgoing NAME), or have the operator check that the server relays for the application server's address (e.g. Postfix \"mynetworks\"). If this computer should send too: turn on authentication.",
            ),
        ),
        SmtpRelayDenied => (
            ("Weiterleitung verweigert (Relay)", "Relaying denied"),
            (
                "Der Postausgangsserver leitet Mail an diesen Empfänger nicht weiter. Meist fehlt die Anmeldung (SMTP-Authentifizierung), oder der Server ist nur für eingehende Mail da.",
                "The outgoing server does not relay mail to this recipient. Usually the login (SMTP authentication) is missing, or the server only handles incoming mail.",
            ),
            (
                "Authentifizierung mit Benutzer und Passwort einschalten und den Postausgangsserver des Anbieters verwenden (Port 587 mit STARTTLS oder 465 mit SSL/TLS).",
                "Turn on authentication with user and password and use the provider's outgoing server (port 587 with STARTTLS or 465 with SSL/TLS).",
            ),
        ),
        SmtpRecipientRejected => (
            ("Empfänger abgelehnt", "Recipient rejected"),
            (
                "Der Server hat die Empfängeradresse abgelehnt (siehe Serverantwort), z. B. weil es sie nicht gibt.",
                "The server rejected the recipient address (see its reply), e.g. because it does not exist.",
            ),
            ("Die Empfängeradresse prüfen.", "Check the recipient address."),
        ),
        SmtpMessageRejected => (
            ("Nachricht abgelehnt", "Message rejected"),
            (
                "Der Server hat die Testnachricht nach der Übertragung des Inhalts abgelehnt (siehe Serverantwort), z. B. durch einen Spamfilter.",
                "The server rejected the test message after its content was sent (see its reply), e.g. by a spam filter.",
            ),
            (
                "Die Serverantwort prüfen und ggf. den Betreiber fragen.",
                "Check the server's reply and ask the operator if needed.",
            ),
        ),
        SmtpAuthRequired => (
            ("Anmeldung am Postausgangsserver fehlt", "No login at the outgoing server"),
            (
                "Der Postausgangsserver nimmt Mail nur nach einer erfolgreichen Anmeldung (SMTP-Authentifizierung) an; diese Verbindung ist nicht angemeldet.",
                "The outgoing server only accepts mail after a successful login (SMTP authentication); this connection is not logged in.",
            ),
            (
                "Unter „Authentifizierung“ die Anmeldung mit Benutzer und Passwort einschalten (Port 587 mit STARTTLS oder 465 mit SSL/TLS).",
                "Turn on the login with user and password under \"Authentication\" (port 587 with STARTTLS or 465 with SSL/TLS).",
            ),
        ),
        SmtpTemporary => (
            ("Server hat vorübergehend abgelehnt", "The server refused temporarily"),
            (
                "Der Server hat den Auftrag vorübergehend abgelehnt (4xx, siehe Serverantwort): z. B. Greylisting, ein überlasteter Server oder ein Fehler beim Nachschlagen.",
                "The server refused temporarily (4xx, see its reply): e.g. greylisting, an overloaded server or a failed lookup.",
            ),
            (
                "Später erneut testen; bleibt die Ablehnung, den Betreiber mit der Serverantwort informieren.",
                "Test again later; if the refusal persists, tell the operator and include the server's reply.",
            ),
        ),
        RoundtripNotReceived => (
            ("Testnachricht nicht angekommen", "Test message did not arrive"),
            (
                "Der Postausgangsserver hat die Testnachricht angenommen, im Posteingang kam sie innerhalb der Wartezeit aber nicht an.",
                "The outgoing server accepted the test message, but it did not arrive in the inbox within the waiting time.",
            ),
            (
                "Spam-Ordner, Weiterleitungen und Filter des Postfachs prüfen; prüfen, ob die Adresse zu diesem Postfach gehört. Bei langsamer Zustellung später erneut testen.",
                "Check the mailbox's junk folder, forwarding and filters; check that the address belongs to this mailbox. If delivery is slow, test again later.",
            ),
        ),
        GraphTokenRejected => (
            ("Microsoft Graph lehnt das Token ab", "Microsoft Graph refuses the token"),
            (
                "Microsoft Graph hat das Zugriffstoken nicht angenommen (HTTP 401, InvalidAuthenticationToken): abgelaufen, widerrufen oder für eine andere Anwendung (Zielgruppe) ausgestellt – etwa ein Token nur für IMAP/SMTP (outlook.office.com) statt für Graph.",
                "Microsoft Graph did not accept the access token (HTTP 401, InvalidAuthenticationToken): expired, revoked or issued for another resource (audience) — e.g. a token for IMAP/SMTP only (outlook.office.com) instead of Graph.",
            ),
            (
                "Beim OAuth-Anbieter die Graph-Berechtigung anfordern (delegiert „Mail.Send“, App-Token „https://graph.microsoft.com/.default“) und das Konto neu verbinden.",
                "Request the Graph permission at the OAuth provider (delegated \"Mail.Send\", app token \"https://graph.microsoft.com/.default\") and connect the account again.",
            ),
        ),
        GraphPermissionMissing => (
            ("Berechtigung „Mail.Send“ fehlt", "Permission \"Mail.Send\" missing"),
            (
                "Microsoft Graph verweigert den Zugriff (HTTP 403, ErrorAccessDenied): Dem Token fehlt die Berechtigung zum Senden (Mail.Send) – nicht angefordert, oder die Administratorzustimmung für die App-Registrierung fehlt. Die Nachweise zeigen, welche Berechtigungen das Token nennt.",
                "Microsoft Graph denies access (HTTP 403, ErrorAccessDenied): the token lacks the permission to send (Mail.Send) — not requested, or the admin consent for the app registration is missing. The evidence shows which permissions the token names.",
            ),
            (
                "In Microsoft Entra ID unter App-Registrierungen → API-Berechtigungen „Microsoft Graph → Mail.Send“ hinzufügen (delegiert für Benutzer-Token, Anwendung für App-Token), „Administratorzustimmung erteilen“ wählen, dann beim OAuth-Anbieter den Bereich „Mail.Send“ eintragen und neu verbinden.",
                "In Microsoft Entra ID under App registrations → API permissions add \"Microsoft Graph → Mail.Send\" (delegated for user tokens, application for app tokens), choose \"Grant admin consent\", then add the scope \"Mail.Send\" to the OAuth provider and connect again.",
            ),
        ),
        GraphMailboxNotFound => (
            ("Postfach in Microsoft 365 nicht gefunden", "Mailbox not found in Microsoft 365"),
            (
                "Microsoft Graph kennt zu dieser Adresse kein Postfach (ErrorInvalidUser, Request_ResourceNotFound) oder das Postfach ist für die REST-API nicht verfügbar (MailboxNotEnabledForRESTAPI: lokal in Exchange, inaktiv, gelöscht oder ohne Lizenz).",
                "Microsoft Graph knows no mailbox for this address (ErrorInvalidUser, Request_ResourceNotFound) or the mailbox is not available to the REST API (MailboxNotEnabledForRESTAPI: on-premises Exchange, inactive, deleted or unlicensed).",
            ),
            (
                "Absenderadresse des Kontos bzw. des Postausgangsservers prüfen (primäre SMTP-Adresse des Postfachs); im Microsoft 365 Admin Center prüfen, dass das Postfach existiert und eine Exchange-Online-Lizenz hat.",
                "Check the sender address of the account or outgoing server (the mailbox's primary SMTP address); check in the Microsoft 365 admin center that the mailbox exists and has an Exchange Online licence.",
            ),
        ),
        GraphAccessPolicy => (
            ("Zugriffsrichtlinie sperrt das Postfach", "Access policy blocks the mailbox"),
            (
                "Microsoft Graph verweigert dem App-Token dieses Postfach (HTTP 403, „Access to OData is disabled … AppOnly AccessPolicy“): Eine Anwendungszugriffsrichtlinie (ApplicationAccessPolicy bzw. RBAC for Applications) in Exchange Online beschränkt die App auf andere Postfächer.",
                "Microsoft Graph denies the app token this mailbox (HTTP 403, \"Access to OData is disabled … AppOnly AccessPolicy\"): an application access policy (ApplicationAccessPolicy or RBAC for Applications) in Exchange Online restricts the app to other mailboxes.",
            ),
            (
                "Das Postfach in die Gruppe der Richtlinie aufnehmen (Exchange Online PowerShell: Get-ApplicationAccessPolicy, Add-DistributionGroupMember) und mit Test-ApplicationAccessPolicy prüfen; Änderungen wirken nach bis zu einer Stunde.",
                "Add the mailbox to the policy's group (Exchange Online PowerShell: Get-ApplicationAccessPolicy, Add-DistributionGroupMember) and check with Test-ApplicationAccessPolicy; changes take up to an hour.",
            ),
        ),
        GraphUnavailable => (
            ("Microsoft Graph nicht erreichbar", "Microsoft Graph unreachable"),
            (
                "Microsoft Graph hat nicht oder mit einem vorübergehenden Fehler geantwortet (Zeitüberschreitung, HTTP 429 oder 5xx).",
                "Microsoft Graph did not answer, or answered with a temporary error (timeout, HTTP 429 or 5xx).",
            ),
            (
                "Später erneut testen; Proxy und Firewall für graph.microsoft.com (HTTPS, Port 443) prüfen.",
                "Test again later; check proxy and firewall for graph.microsoft.com (HTTPS, port 443).",
            ),
        ),
        GraphError => (
            ("Unerwartete Antwort von Microsoft Graph", "Unexpected answer from Microsoft Graph"),
            (
                "Microsoft Graph hat die Anfrage mit einem Fehler beantwortet, den die Anwendung nicht kennt (siehe Nachweise: HTTP-Status, Fehlercode, Meldung).",
                "Microsoft Graph answered the request with an error the application does not know (see evidence: HTTP status, error code, message).",
            ),
            (
                "Fehlercode und Meldung in der Dokumentation von Microsoft Graph nachschlagen; bei eigener Graph-Adresse (MAILBOX_ADMIN_GRAPH_URL) diese prüfen.",
                "Look up the error code and message in Microsoft Graph's documentation; with a Graph address of your own (MAILBOX_ADMIN_GRAPH_URL) check it.",
            ),
        ),
        SmimeCertificateMissing => (
            ("Kein S/MIME-Zertifikat", "No S/MIME certificate"),
            (
                "Am Postausgangsserver ist S/MIME-Signieren oder -Verschlüsseln eingeschaltet, aber kein Zertifikat gewählt, oder das gewählte ist nicht mehr im Zertifikatsspeicher. Die Testnachricht wurde nicht gesendet.",
                "S/MIME signing or encryption is switched on for the outgoing server, but no certificate is chosen, or the chosen one is no longer in the certificate store. The test message was not sent.",
            ),
            (
                "Am Postausgangsserver unter S/MIME ein Zertifikat mit privatem Schlüssel wählen (Zertifikatsspeicher: Zertifikat mit Schlüssel importieren).",
                "Choose a certificate with a private key under S/MIME on the outgoing server (certificate store: import the certificate with its key).",
            ),
        ),
        SmimeKeyMissing => (
            ("Privater Schlüssel fehlt", "Private key missing"),
            (
                "Zum S/MIME-Zertifikat liegt kein privater Schlüssel vor (nur das Zertifikat importiert, oder der Schlüsselbund gibt ihn nicht heraus) – ohne ihn kann nicht signiert werden. Die Testnachricht wurde nicht gesendet.",
                "There is no private key for the S/MIME certificate (only the certificate was imported, or the keyring does not release it) — without it nothing can be signed. The test message was not sent.",
            ),
            (
                "Das Zertifikat mit Schlüssel (PKCS#12/.pfx oder PEM mit Schlüssel) erneut in den Zertifikatsspeicher importieren; den Schlüsselbund entsperren.",
                "Import the certificate again with its key (PKCS#12/.pfx or PEM with key) into the certificate store; unlock the keyring.",
            ),
        ),
        SmimeCertificateExpired => (
            ("S/MIME-Zertifikat abgelaufen oder noch nicht gültig", "S/MIME certificate expired or not yet valid"),
            (
                "Das S/MIME-Zertifikat ist zum jetzigen Zeitpunkt nicht gültig (siehe Gültigkeit in den Nachweisen). Empfänger würden die Signatur als ungültig anzeigen. Die Testnachricht wurde nicht gesendet.",
                "The S/MIME certificate is not valid at this time (see validity in the evidence). Recipients would show the signature as invalid. The test message was not sent.",
            ),
            (
                "Ein neues S/MIME-Zertifikat bei der Zertifizierungsstelle beantragen, mit Schlüssel importieren und am Postausgangsserver wählen.",
                "Request a new S/MIME certificate from the certificate authority, import it with its key and choose it on the outgoing server.",
            ),
        ),
        SmimeWrongPurpose => (
            ("Zertifikat nicht für E-Mail (S/MIME)", "Certificate not for e-mail (S/MIME)"),
            (
                "Das gewählte Zertifikat erlaubt keine E-Mail-Signatur: Die erweiterte Schlüsselverwendung nennt „E-Mail-Schutz“ (emailProtection) nicht, oder die Schlüsselverwendung erlaubt keine digitale Signatur bzw. keine Verschlüsselung. Ein TLS-Serverzertifikat ist kein S/MIME-Zertifikat. Die Testnachricht wurde nicht gesendet.",
                "The chosen certificate does not allow e-mail signing: its extended key usage does not name \"E-mail protection\" (emailProtection), or its key usage allows no digital signature or no encryption. A TLS server certificate is no S/MIME certificate. The test message was not sent.",
            ),
            (
                "Ein S/MIME-Zertifikat (E-Mail-Schutz, digitale Signatur, für Verschlüsselung auch Schlüsselverschlüsselung) wählen.",
                "Choose an S/MIME certificate (e-mail protection, digital signature, for encryption also key encipherment).",
            ),
        ),
        SmimeAddressMismatch => (
            ("Zertifikat gehört zu einer anderen Adresse", "Certificate belongs to another address"),
            (
                "Die E-Mail-Adressen im S/MIME-Zertifikat (Alternativnamen, E-Mail im Antragsteller) enthalten die Absenderadresse nicht. Empfänger würden die Signatur als nicht passend zum Absender anzeigen. Die Testnachricht wurde nicht gesendet.",
                "The e-mail addresses in the S/MIME certificate (alternative names, e-mail in the subject) do not include the sender address. Recipients would show the signature as not matching the sender. The test message was not sent.",
            ),
            (
                "Das Zertifikat dieses Absenders wählen, oder die Absenderadresse korrigieren.",
                "Choose this sender's certificate, or correct the sender address.",
            ),
        ),
        SmimeFailed => (
            ("S/MIME-Nachricht nicht erstellt", "S/MIME message not built"),
            (
                "Die Testnachricht konnte nicht signiert bzw. verschlüsselt werden (siehe Nachweise), etwa weil Zertifikat und Schlüssel nicht zusammenpassen.",
                "The test message could not be signed or encrypted (see evidence), e.g. because certificate and key do not match.",
            ),
            (
                "Zertifikat und zugehörigen Schlüssel gemeinsam neu importieren.",
                "Import the certificate and its key again, together.",
            ),
        ),
        SmimeSignatureInvalid => (
            ("Signatur beim Empfang ungültig", "Signature invalid on arrival"),
            (
                "Die Testnachricht kam an, aber ihre S/MIME-Signatur lässt sich nicht prüfen: Die Nachricht wurde unterwegs verändert (etwa von einem Gateway, das Fußzeilen oder Hinweise einfügt) oder die Zertifikatskette ist nicht vertrauenswürdig.",
                "The test message arrived, but its S/MIME signature does not verify: the message was changed on the way (e.g. by a gateway adding footers or notices) or the certificate chain is not trusted.",
            ),
            (
                "Gateways und Transportregeln prüfen, die Nachrichten verändern (Disclaimer, Virenscanner-Hinweise); die ausstellende Zertifizierungsstelle als vertrauenswürdig hinterlegen.",
                "Check gateways and transport rules that change messages (disclaimers, virus scanner notices); trust the issuing certificate authority.",
            ),
        ),
        DomainMxMissing => (
            ("Kein MX-Eintrag", "No MX record"),
            (
                "Für „{host}“ ist kein MX-Eintrag veröffentlicht. Andere Server wissen dann nicht, wohin sie Mail für diese Domain liefern sollen (manche versuchen es ersatzweise bei der IP-Adresse der Domain selbst).",
                "No MX record is published for \"{host}\". Other servers then do not know where to deliver mail for this domain (some fall back to the domain's own IP address).",
            ),
            (
                "Beim DNS-Anbieter der Domain einen MX-Eintrag anlegen, der auf den Posteingangsserver zeigt (den Namen nennt der E-Mail-Anbieter).",
                "At the domain's DNS provider, add an MX record pointing to the incoming mail server (the mail provider names it).",
            ),
        ),
        DomainMxUnresolvable => (
            ("MX-Server nicht auflösbar", "MX host does not resolve"),
            (
                "Ein MX-Eintrag von „{host}“ nennt einen Servernamen ohne IP-Adresse (siehe Nachweise). Mail an diesen Server kann nicht zugestellt werden.",
                "An MX record of \"{host}\" names a host without an IP address (see evidence). Mail cannot be delivered to that host.",
            ),
            (
                "Den MX-Eintrag korrigieren (Tippfehler, alter Server) oder für den genannten Namen einen A-/AAAA-Eintrag anlegen.",
                "Correct the MX record (typo, old server) or add an A/AAAA record for the named host.",
            ),
        ),
        DomainSpfMissing => (
            ("Kein SPF-Eintrag", "No SPF record"),
            (
                "„{host}“ veröffentlicht keinen SPF-Eintrag (TXT „v=spf1 …“). Empfangende Server können nicht prüfen, welche Server für diese Domain senden dürfen; Mail landet eher im Spam.",
                "\"{host}\" publishes no SPF record (TXT \"v=spf1 …\"). Receiving servers cannot check which servers may send for this domain; mail is more likely to land in spam.",
            ),
            (
                "Einen TXT-Eintrag „v=spf1 … -all“ anlegen, der die Postausgangsserver erlaubt (z. B. „include:“ des E-Mail-Anbieters, „ip4:“ des eigenen Servers).",
                "Add a TXT record \"v=spf1 … -all\" that allows the outgoing servers (e.g. the mail provider's \"include:\", \"ip4:\" of an own server).",
            ),
        ),
        DomainSpfMultiple => (
            ("Mehrere SPF-Einträge", "Several SPF records"),
            (
                "„{host}“ veröffentlicht mehr als einen SPF-Eintrag. Das ist ein Fehler (permerror): Empfänger werten dann keinen davon aus.",
                "\"{host}\" publishes more than one SPF record. That is an error (permerror): receivers then evaluate none of them.",
            ),
            (
                "Die Einträge zu einem einzigen „v=spf1 …“-Eintrag zusammenführen.",
                "Merge the records into a single \"v=spf1 …\" record.",
            ),
        ),
        DomainSpfInvalid => (
            ("SPF-Eintrag fehlerhaft", "SPF record is invalid"),
            (
                "Der SPF-Eintrag von „{host}“ (oder ein eingebundener) ist syntaktisch falsch (siehe Nachweise). Empfänger werten ihn als Fehler (permerror).",
                "The SPF record of \"{host}\" (or an included one) has a syntax error (see evidence). Receivers treat it as an error (permerror).",
            ),
            (
                "Den Eintrag korrigieren: Mechanismen durch Leerzeichen trennen, „ip4:“ mit gültiger Adresse, keine Tippfehler in „include:“.",
                "Correct the record: mechanisms separated by spaces, \"ip4:\" with a valid address, no typos in \"include:\".",
            ),
        ),
        DomainSpfTooManyLookups => (
            ("SPF: zu viele DNS-Abfragen", "SPF: too many DNS lookups"),
            (
                "Die Auswertung des SPF-Eintrags von „{host}“ braucht mehr als die erlaubten 10 DNS-Abfragen (include, a, mx, ptr, exists, redirect – auch in eingebundenen Einträgen; Anzahl siehe Nachweise). Empfänger brechen dann mit einem Fehler ab, und SPF schlägt für alle Mail fehl.",
                "Evaluating the SPF record of \"{host}\" needs more than the allowed 10 DNS lookups (include, a, mx, ptr, exists, redirect – in included records too; count see evidence). Receivers then stop with an error, and SPF fails for all mail.",
            ),
            (
                "Nicht mehr genutzte „include:“ entfernen und eigene Server als „ip4:“/„ip6:“ statt „a“/„mx“ eintragen.",
                "Remove \"include:\"s no longer used and list own servers as \"ip4:\"/\"ip6:\" instead of \"a\"/\"mx\".",
            ),
        ),
        DomainSpfAllowsAll => (
            ("SPF erlaubt jeden Server", "SPF allows every server"),
            (
                "Der SPF-Eintrag von „{host}“ endet mit „+all“ (oder „all“ ohne Qualifier): Jeder Server der Welt darf im Namen der Domain senden. Das ist so gut wie kein SPF.",
                "The SPF record of \"{host}\" ends in \"+all\" (or \"all\" without a qualifier): every server in the world may send for the domain. That is as good as no SPF.",
            ),
            (
                "„+all“ durch „-all“ (oder übergangsweise „~all“) ersetzen, nachdem alle Postausgangsserver im Eintrag genannt sind.",
                "Replace \"+all\" with \"-all\" (or \"~all\" for a transition) once every outgoing server is named in the record.",
            ),
        ),
        DomainSpfNotAuthorized => (
            ("Postausgangsserver nicht im SPF", "Outgoing server not in SPF"),
            (
                "Der SPF-Eintrag von „{host}“ erlaubt die Adressen des Postausgangsservers nicht (Ergebnis je Adresse siehe Nachweise). Mail der Geschäftsanwendung über diesen Server wird beim Empfänger als verdächtig gewertet oder abgewiesen.",
                "The SPF record of \"{host}\" does not allow the outgoing server's addresses (result per address see evidence). Mail from the business application through this server is marked suspicious or rejected by receivers.",
            ),
            (
                "Den Postausgangsserver in den SPF-Eintrag aufnehmen: das „include:“ seines Anbieters oder seine Adressen als „ip4:“/„ip6:“. Sendet der Server über ein Relay, dessen Adressen eintragen.",
                "Add the outgoing server to the SPF record: its provider's \"include:\" or its addresses as \"ip4:\"/\"ip6:\". If the server sends through a relay, add the relay's addresses.",
            ),
        ),
        DomainSpfNoOutgoing => (
            ("Kein Postausgangsserver zum Prüfen", "No outgoing server to check"),
            (
                "Für „{host}“ ist kein Postausgangsserver bekannt (weder angegeben noch als Standard eingerichtet); ob SPF ihn erlaubt, wurde nicht geprüft.",
                "No outgoing server is known for \"{host}\" (none given, none set as default); whether SPF allows it was not checked.",
            ),
            (
                "Den Postausgangsserver angeben (mbadmin: --outgoing NAME) oder einen Standard-Postausgangsserver einrichten.",
                "Name the outgoing server (mbadmin: --outgoing NAME) or set a default outgoing server.",
            ),
        ),
        DomainDmarcMissing => (
            ("Kein DMARC-Eintrag", "No DMARC record"),
            (
                "„{host}“ veröffentlicht keinen DMARC-Eintrag (TXT unter „_dmarc“). Große Empfänger (Google, Microsoft, Yahoo) verlangen DMARC für Absender in größerer Zahl; Fälschungen der Domain werden nicht abgewiesen.",
                "\"{host}\" publishes no DMARC record (TXT at \"_dmarc\"). Large receivers (Google, Microsoft, Yahoo) require DMARC from bulk senders; forgeries of the domain are not rejected.",
            ),
            (
                "Einen TXT-Eintrag „_dmarc“ mit „v=DMARC1; p=none; rua=mailto:…“ anlegen, die Berichte auswerten und dann auf „p=quarantine“ bzw. „p=reject“ erhöhen.",
                "Add a TXT record at \"_dmarc\" with \"v=DMARC1; p=none; rua=mailto:…\", read the reports and then raise it to \"p=quarantine\" or \"p=reject\".",
            ),
        ),
        DomainDmarcInvalid => (
            ("DMARC-Eintrag fehlerhaft", "DMARC record is invalid"),
            (
                "Der DMARC-Eintrag von „{host}“ ist fehlerhaft oder mehrfach vorhanden (siehe Nachweise); Empfänger ignorieren ihn.",
                "The DMARC record of \"{host}\" is invalid or published more than once (see evidence); receivers ignore it.",
            ),
            (
                "Genau einen Eintrag der Form „v=DMARC1; p=none|quarantine|reject; …“ veröffentlichen („v=DMARC1“ zuerst, „p=“ direkt danach).",
                "Publish exactly one record of the form \"v=DMARC1; p=none|quarantine|reject; …\" (\"v=DMARC1\" first, \"p=\" right after it).",
            ),
        ),
        DomainDmarcMonitorOnly => (
            ("DMARC nur beobachtend (p=none)", "DMARC only monitors (p=none)"),
            (
                "Der DMARC-Eintrag von „{host}“ hat „p=none“: Empfänger melden Verstöße nur, gefälschte Mail wird weiter zugestellt.",
                "The DMARC record of \"{host}\" has \"p=none\": receivers only report failures, forged mail is still delivered.",
            ),
            (
                "Sobald SPF und DKIM für alle eigenen Absender stimmen (Berichte unter rua auswerten), auf „p=quarantine“ und dann „p=reject“ erhöhen.",
                "Once SPF and DKIM pass for every own sender (read the rua reports), raise it to \"p=quarantine\" and then \"p=reject\".",
            ),
        ),
        DomainDmarcPartial => (
            ("DMARC gilt nur teilweise (pct)", "DMARC applies only in part (pct)"),
            (
                "Der DMARC-Eintrag von „{host}“ wendet die Richtlinie nur auf einen Teil der Mail an („pct“ unter 100, siehe Nachweise).",
                "The DMARC record of \"{host}\" applies its policy only to part of the mail (\"pct\" below 100, see evidence).",
            ),
            (
                "Nach der Übergangszeit „pct“ entfernen oder auf 100 setzen.",
                "After the transition, remove \"pct\" or set it to 100.",
            ),
        ),
        DomainDkimMissing => (
            ("DKIM-Schlüssel fehlt", "DKIM key missing"),
            (
                "Unter dem angegebenen Selektor (siehe Nachweise) ist für „{host}“ kein DKIM-Schlüssel veröffentlicht. Mail, die mit diesem Selektor signiert wird, fällt bei der DKIM-Prüfung durch.",
                "No DKIM key is published for \"{host}\" under the named selector (see evidence). Mail signed with this selector fails the DKIM check.",
            ),
            (
                "Den TXT- oder CNAME-Eintrag „<Selektor>._domainkey“ anlegen, wie ihn der E-Mail-Anbieter vorgibt (Microsoft 365: selector1/selector2 als CNAME), oder den Selektor-Namen prüfen.",
                "Add the TXT or CNAME record \"<selector>._domainkey\" as the mail provider specifies (Microsoft 365: selector1/selector2 as CNAME), or check the selector name.",
            ),
        ),
        DomainDkimNoneFound => (
            ("Kein DKIM-Schlüssel gefunden", "No DKIM key found"),
            (
                "Unter den üblichen Selektoren (selector1, selector2, google, default, dkim, mail) ist für „{host}“ kein DKIM-Schlüssel veröffentlicht. DKIM kann unter einem anderen Selektor eingerichtet sein – die Namen lassen sich im DNS nicht auflisten.",
                "No DKIM key is published for \"{host}\" under the usual selectors (selector1, selector2, google, default, dkim, mail). DKIM may be set up under another selector – DNS cannot list them.",
            ),
            (
                "Den Selektor aus dem Kopf „DKIM-Signature: … s=…“ einer gesendeten Mail angeben (mbadmin: --dkim-selector S) oder DKIM beim E-Mail-Anbieter einschalten.",
                "Name the selector from the \"DKIM-Signature: … s=…\" header of a sent mail (mbadmin: --dkim-selector S) or turn DKIM on at the mail provider.",
            ),
        ),
        DomainDkimInvalid => (
            ("DKIM-Schlüssel fehlerhaft", "DKIM key is invalid"),
            (
                "Der DKIM-Eintrag eines Selektors von „{host}“ (siehe Nachweise) ist fehlerhaft, widerrufen (leeres „p=“) oder nutzt einen unbekannten Schlüsseltyp; Signaturen damit gelten als ungültig.",
                "The DKIM record of a selector of \"{host}\" (see evidence) is malformed, revoked (empty \"p=\") or uses an unknown key type; signatures with it are invalid.",
            ),
            (
                "Den Eintrag neu aus der Vorgabe des E-Mail-Anbieters übernehmen (vollständiger Schlüssel, bei langen Schlüsseln in mehrere Zeichenketten geteilt, nicht abgeschnitten).",
                "Copy the record again from the mail provider's instructions (the full key, split into several strings when long, not truncated).",
            ),
        ),
        DomainMtaStsMissing => (
            ("Kein MTA-STS", "No MTA-STS"),
            (
                "„{host}“ veröffentlicht kein MTA-STS. Sendende Server dürfen dann auf unverschlüsselte Zustellung ausweichen, wenn jemand die Verschlüsselung unterdrückt.",
                "\"{host}\" publishes no MTA-STS. Sending servers may then fall back to unencrypted delivery when someone suppresses encryption.",
            ),
            (
                "Optional: eine Richtlinie unter https://mta-sts.<Domain>/.well-known/mta-sts.txt veröffentlichen und den TXT-Eintrag „_mta-sts“ anlegen (zuerst mit „mode: testing“).",
                "Optional: publish a policy at https://mta-sts.<domain>/.well-known/mta-sts.txt and add the TXT record \"_mta-sts\" (start with \"mode: testing\").",
            ),
        ),
        DomainMtaStsInvalid => (
            ("MTA-STS fehlerhaft", "MTA-STS is invalid"),
            (
                "Der MTA-STS-Eintrag oder die Richtlinie von „{host}“ ist fehlerhaft (siehe Nachweise); sendende Server ignorieren MTA-STS dann.",
                "The MTA-STS record or policy of \"{host}\" is invalid (see evidence); sending servers then ignore MTA-STS.",
            ),
            (
                "TXT „_mta-sts“: „v=STSv1; id=…“. Richtlinie: Zeilen „version: STSv1“, „mode: enforce|testing|none“, „mx: …“ je MX-Server, „max_age: …“.",
                "TXT \"_mta-sts\": \"v=STSv1; id=…\". Policy: lines \"version: STSv1\", \"mode: enforce|testing|none\", \"mx: …\" per MX host, \"max_age: …\".",
            ),
        ),
        DomainMtaStsPolicyUnreachable => (
            ("MTA-STS-Richtlinie nicht abrufbar", "MTA-STS policy not retrievable"),
            (
                "„{host}“ kündigt MTA-STS an, die Richtlinie unter https://mta-sts.<Domain>/.well-known/mta-sts.txt ist aber nicht abrufbar (siehe Nachweise: Name, Verbindung, Zertifikat oder HTTP-Status). Sendende Server können MTA-STS dann nicht anwenden.",
                "\"{host}\" announces MTA-STS, but the policy at https://mta-sts.<domain>/.well-known/mta-sts.txt cannot be retrieved (see evidence: name, connection, certificate or HTTP status). Sending servers then cannot apply MTA-STS.",
            ),
            (
                "Den Webserver für mta-sts.<Domain> mit einem öffentlich gültigen Zertifikat einrichten und die Datei ohne Umleitung mit Status 200 ausliefern – oder den TXT-Eintrag „_mta-sts“ entfernen.",
                "Set up the web server for mta-sts.<domain> with a publicly valid certificate and serve the file without a redirect with status 200 – or remove the TXT record \"_mta-sts\".",
            ),
        ),
        DomainMtaStsMxMismatch => (
            ("MTA-STS passt nicht zu den MX-Einträgen", "MTA-STS does not match the MX records"),
            (
                "Die MTA-STS-Richtlinie von „{host}“ nennt nicht alle MX-Server der Domain (siehe Nachweise). Bei „mode: enforce“ weisen sendende Server Mail an die nicht genannten Server ab.",
                "The MTA-STS policy of \"{host}\" does not name every MX host of the domain (see evidence). With \"mode: enforce\", sending servers refuse to deliver to the hosts not named.",
            ),
            (
                "Jeden MX-Server als „mx:“-Zeile in die Richtlinie aufnehmen (Platzhalter „*.beispiel.de“ erlaubt) und die „id“ im TXT-Eintrag ändern.",
                "Add every MX host as an \"mx:\" line to the policy (wildcards \"*.example.com\" allowed) and change the \"id\" in the TXT record.",
            ),
        ),
        DomainTlsRptMissing => (
            ("Kein TLS-Reporting", "No TLS reporting"),
            (
                "„{host}“ veröffentlicht keinen TLS-RPT-Eintrag (TXT „_smtp._tls“): Niemand erfährt, wenn sendende Server keine verschlüsselte Verbindung zum Posteingangsserver aufbauen können.",
                "\"{host}\" publishes no TLS-RPT record (TXT \"_smtp._tls\"): nobody learns when sending servers cannot connect to the incoming server encrypted.",
            ),
            (
                "Optional: TXT „_smtp._tls“ mit „v=TLSRPTv1; rua=mailto:…“ anlegen.",
                "Optional: add TXT \"_smtp._tls\" with \"v=TLSRPTv1; rua=mailto:…\".",
            ),
        ),
        DomainTlsRptInvalid => (
            ("TLS-RPT-Eintrag fehlerhaft", "TLS-RPT record is invalid"),
            (
                "Der TLS-RPT-Eintrag von „{host}“ ist fehlerhaft (siehe Nachweise); es werden keine Berichte gesendet.",
                "The TLS-RPT record of \"{host}\" is invalid (see evidence); no reports are sent.",
            ),
            (
                "Die Form „v=TLSRPTv1; rua=mailto:adresse@domain“ verwenden.",
                "Use the form \"v=TLSRPTv1; rua=mailto:address@domain\".",
            ),
        ),
        DomainAutoconfigMissing => (
            ("Keine Autoconfig-Adresse", "No autoconfig address"),
            (
                "Für „{host}“ gibt es keinen Namen „autoconfig.“ im DNS. Mailprogramme (Thunderbird, Delta Chat, Mailbox Admin) finden die Einstellungen dann nicht selbst.",
                "There is no \"autoconfig.\" name for \"{host}\" in DNS. Mail programs (Thunderbird, Delta Chat, Mailbox Admin) then cannot find the settings themselves.",
            ),
            (
                "Optional: „autoconfig.<Domain>“ auf einen Webserver zeigen lassen, der /mail/config-v1.1.xml ausliefert (viele Hoster bieten das an).",
                "Optional: point \"autoconfig.<domain>\" to a web server that serves /mail/config-v1.1.xml (many hosters offer this).",
            ),
        ),
        DomainSrvMissing => (
            ("Keine SRV-Einträge für Mail", "No SRV records for mail"),
            (
                "„{host}“ veröffentlicht keine SRV-Einträge für Mail (_submissions._tcp, _imaps._tcp, …; RFC 6186/8314). Sie sind selten; manche Mailprogramme nutzen sie zur Einrichtung.",
                "\"{host}\" publishes no SRV records for mail (_submissions._tcp, _imaps._tcp, …; RFC 6186/8314). They are rare; some mail programs use them for setup.",
            ),
            (
                "Optional: SRV-Einträge „_submissions._tcp“ (Port 465) und „_imaps._tcp“ (Port 993) auf die Server zeigen lassen.",
                "Optional: add SRV records \"_submissions._tcp\" (port 465) and \"_imaps._tcp\" (port 993) pointing to the servers.",
            ),
        ),
        TestIncomingNotChecked => (
            ("Empfang nicht geprüft", "Receiving not checked"),
            (
                "Dem Konto ist kein Posteingangsserver zugeordnet: Ob es Mail empfangen kann (Anmeldung, Postfach, Ordner), hat dieser Test nicht geprüft.",
                "The account has no incoming server: this test did not check whether it can receive mail (login, mailbox, folders).",
            ),
            (
                "Im Konto einen Posteingangsserver wählen und erneut prüfen.",
                "Choose an incoming server in the account and test again.",
            ),
        ),
        CaldavDiscoveryFailed => (
            ("Kein CalDAV-Server gefunden", "No CalDAV server found"),
            (
                "Eingetragen ist nur der Server „{host}“. Dort ist weder über DNS (SRV „_caldavs._tcp“) noch unter „/.well-known/caldav“ ein CalDAV-Dienst veröffentlicht, und die Adresse selbst antwortet nicht wie ein CalDAV-Server.",
                "Only the server \"{host}\" is entered. Neither DNS (SRV \"_caldavs._tcp\") nor \"/.well-known/caldav\" publishes a CalDAV service there, and the address itself does not answer like a CalDAV server.",
            ),
            (
                "Die vollständige CalDAV-Adresse aus der Anleitung des Kalender-Anbieters eintragen (z. B. „https://kalender.firma.de/dav/“). Wer den Server betreibt, kann „/.well-known/caldav“ auf den CalDAV-Pfad umleiten.",
                "Enter the full CalDAV URL from the calendar provider's instructions (e.g. \"https://calendar.example.com/dav/\"). Whoever runs the server can redirect \"/.well-known/caldav\" to the CalDAV path.",
            ),
        ),
        CaldavNotCaldav => (
            ("Adresse ist kein CalDAV-Server", "The URL is not a CalDAV server"),
            (
                "Unter der eingetragenen Adresse auf „{host}“ antwortet kein CalDAV-Server (siehe Antwort des Servers): Der Pfad ist falsch, oder dort läuft ein anderer Webdienst.",
                "No CalDAV server answers at the URL entered on \"{host}\" (see what the server said): the path is wrong, or another web service runs there.",
            ),
            (
                "Die CalDAV-Adresse prüfen (Anleitung des Kalender-Anbieters) oder nur „https://{host}“ eintragen, damit sie ermittelt wird.",
                "Check the CalDAV URL (the calendar provider's instructions) or enter only \"https://{host}\" so that it is discovered.",
            ),
        ),
        CaldavAuthFailed => (
            ("Anmeldung am Kalender abgelehnt", "Calendar login refused"),
            (
                "Der CalDAV-Server „{host}“ hat Benutzername oder Passwort abgelehnt (HTTP 401).",
                "The CalDAV server \"{host}\" refused the user name or password (HTTP 401).",
            ),
            (
                "Benutzername und Passwort im Kalender-Konto prüfen; manche Anbieter verlangen ein App-Passwort statt des normalen Passworts.",
                "Check the user name and password in the calendar account; some providers require an app password instead of the normal one.",
            ),
        ),
        CaldavAccessDenied => (
            ("Kein Zugriff auf den Kalender", "No access to the calendar"),
            (
                "Der CalDAV-Server „{host}“ hat die Anmeldung angenommen, verweigert diesem Benutzer aber den Zugriff auf die Adresse (HTTP 403).",
                "The CalDAV server \"{host}\" accepted the login but refuses this user access to the URL (HTTP 403).",
            ),
            (
                "Prüfen, ob die Adresse zum angemeldeten Benutzer gehört; sonst beim Betreiber die Freigabe des Kalenders für diesen Benutzer einrichten lassen.",
                "Check that the URL belongs to the logged-in user; otherwise have the operator share the calendar with this user.",
            ),
        ),
        CaldavCalendarNotFound => (
            ("Kalender nicht gefunden", "Calendar not found"),
            (
                "Der eingetragene Kalendername kommt unter den Kalendern dieses Benutzers auf „{host}“ nicht vor; die vorhandenen stehen in den Nachweisen.",
                "The calendar name entered is not among this user's calendars on \"{host}\"; the existing ones are listed in the evidence.",
            ),
            (
                "Einen der vorhandenen Kalender als Kalendername eintragen (Anzeigename oder letzter Teil der Adresse) oder den Kalender auf dem Server anlegen.",
                "Enter one of the existing calendars as the calendar name (display name or last part of its URL) or create the calendar on the server.",
            ),
        ),
        CaldavReadFailed => (
            ("Termine nicht lesbar", "Events cannot be read"),
            (
                "Der Kalender auf „{host}“ existiert, die Abfrage der Termine im Abgleichzeitraum (REPORT calendar-query) hat der Server aber abgelehnt.",
                "The calendar on \"{host}\" exists, but the server refused the query of the events in the sync range (REPORT calendar-query).",
            ),
            (
                "Die Antwort des Servers prüfen; beim Betreiber klären, ob der Benutzer den Kalender lesen darf und der Server Kalenderabfragen (RFC 4791) unterstützt.",
                "Check what the server said; ask the operator whether the user may read the calendar and whether the server supports calendar queries (RFC 4791).",
            ),
        ),
        CaldavPlainHttp => (
            ("Passwort unverschlüsselt übertragen", "Password sent unencrypted"),
            (
                "Die Kalender-Adresse beginnt mit „http://“: Benutzername und Passwort gingen unverschlüsselt an „{host}“.",
                "The calendar URL starts with \"http://\": user name and password went to \"{host}\" unencrypted.",
            ),
            (
                "Die Adresse mit „https://“ eintragen, wenn der Server es kann.",
                "Enter the URL with \"https://\" if the server supports it.",
            ),
        ),
        TestOutgoingNotChecked => (
            ("Versand nicht geprüft", "Sending not checked"),
            (
                "Das Konto hat keinen Postausgangsserver – weder eigenen noch von der Firma oder als Standard: Ob es senden kann, hat dieser Test nicht geprüft.",
                "The account has no outgoing server – neither its own nor its company's nor a default one: this test did not check whether it can send.",
            ),
            (
                "Im Konto oder bei der Firma einen Postausgangsserver wählen (oder einen als Standard festlegen) und erneut prüfen.",
                "Choose an outgoing server in the account or its company (or make one the default) and test again.",
            ),
        ),
    }
}

/// The usual ports of a protocol, for the texts: (implicit TLS, STARTTLS).
fn usual_ports(protocol: &str) -> (u16, u16) {
    match protocol {
        "POP3" => (995, 110),
        "SMTP" => (465, 587),
        "CalDAV" => (443, 80),
        _ => (993, 143),
    }
}

/// The context a text is rendered in.
#[derive(Debug, Clone, Default)]
pub struct Context {
    pub host: String,
    pub port: u16,
    /// `IMAP`, `POP3` or `SMTP`.
    pub protocol: String,
}

fn fill(text: &str, ctx: &Context) -> String {
    let (implicit, starttls) = usual_ports(&ctx.protocol);
    text.replace("{host}", &ctx.host)
        .replace("{port}", &ctx.port.to_string())
        .replace("{protocol}", &ctx.protocol)
        .replace("{implicit_port}", &implicit.to_string())
        .replace("{starttls_port}", &starttls.to_string())
}

/// The translated diagnosis for `code`.
pub fn diagnose(
    code: DiagnosisCode,
    severity: Severity,
    lang: Lang,
    ctx: &Context,
    evidence: Vec<Evidence>,
) -> Diagnosis {
    let pick = |p: Pair| match lang {
        Lang::De => p.0,
        Lang::En => p.1,
    };
    let (t, e, f) = texts(code);
    let (title, explanation, fix) = (pick(t), pick(e), pick(f));
    Diagnosis {
        code,
        severity,
        title: fill(title, ctx),
        explanation: fill(explanation, ctx),
        fix: fill(fix, ctx),
        evidence,
    }
}

/// A step summary in the user's language.
pub fn summary(lang: Lang, key: &str, args: &[(&str, String)]) -> String {
    let (de, en) = match key {
        "resolved_ip" => ("{host} ist eine IP-Adresse", "{host} is an IP address"),
        "resolved" => ("{host} → {addrs}", "{host} → {addrs}"),
        "connected" => ("Verbunden mit {addr}", "Connected to {addr}"),
        "tls" => (
            "{version}, {cipher}; Zertifikat für {names}",
            "{version}, {cipher}; certificate for {names}",
        ),
        "tls_auto_fallback" => (
            "Kein SSL/TLS auf Port {port}; weiter mit STARTTLS",
            "No SSL/TLS on port {port}; continuing with STARTTLS",
        ),
        "greeting" => ("{text}", "{text}"),
        "capabilities" => ("{caps}", "{caps}"),
        "login" => (
            "Angemeldet als {user} ({mech})",
            "Logged in as {user} ({mech})",
        ),
        "login_alert" => (
            "Angemeldet als {user} ({mech}). Der Server meldet: „{alert}“",
            "Logged in as {user} ({mech}). The server says: \"{alert}\"",
        ),
        "login_no_user" => (
            "Keine Anmeldedaten hinterlegt: nur die Verbindung wurde geprüft",
            "No login configured: only the connection was checked",
        ),
        "login_no_auth" => (
            "Keine Authentifizierung eingestellt",
            "No authentication configured",
        ),
        "folders" => (
            "{count} Ordner; Sonderordner: {special}",
            "{count} folders; special folders: {special}",
        ),
        "mailbox" => ("{path}: {count} Nachrichten", "{path}: {count} messages"),
        "special_folders" => ("{list}", "{list}"),
        "special_none" => (
            "Keine Sonderordner eingestellt oder vom Server markiert",
            "No special folders configured or marked by the server",
        ),
        "stat" => (
            "{count} Nachrichten, {size} Bytes",
            "{count} messages, {size} bytes",
        ),
        "uidl" => (
            "{count} Kennungen – Löschen nach {days} Tagen möglich",
            "{count} ids – deleting after {days} days works",
        ),
        "sender" => ("Absender {sender} angenommen", "Sender {sender} accepted"),
        "sender_none" => (
            "Keine Absenderadresse eingestellt",
            "No sender address configured",
        ),
        "sent" => (
            "Testnachricht an {to} angenommen: {reply}",
            "Test message to {to} accepted: {reply}",
        ),
        "roundtrip" => (
            "Nach {secs} s im Posteingang angekommen und wieder gelöscht",
            "Arrived in the inbox after {secs} s and was deleted again",
        ),
        "roundtrip_trash" => (
            "Nach {secs} s im Posteingang angekommen und in den Papierkorb verschoben",
            "Arrived in the inbox after {secs} s and was moved to the trash",
        ),
        "roundtrip_marked" => (
            "Nach {secs} s im Posteingang angekommen und als gelöscht markiert",
            "Arrived in the inbox after {secs} s and was marked as deleted",
        ),
        "roundtrip_skipped" => (
            "Übersprungen: Posteingang oder Postausgang nicht erfolgreich geprüft",
            "Skipped: incoming or outgoing server did not pass",
        ),
        "sent_smime" => (
            "Testnachricht an {to} {smime} angenommen: {reply}",
            "Test message to {to} {smime} accepted: {reply}",
        ),
        "roundtrip_signed" => (
            "Nach {secs} s im Posteingang angekommen, Signatur von {signer} geprüft, wieder gelöscht",
            "Arrived in the inbox after {secs} s, signature of {signer} verified, deleted again",
        ),
        "graph_token" => (
            "Token für {user}; Berechtigungen: {permissions}",
            "Token for {user}; permissions: {permissions}",
        ),
        "graph_mailbox" => (
            "Postfach {address} gefunden ({name})",
            "Mailbox {address} found ({name})",
        ),
        "graph_permission" => (
            "Darf als {address} senden ({permissions})",
            "May send as {address} ({permissions})",
        ),
        "graph_permission_unknown" => (
            "Berechtigung erst beim Senden sichtbar (Token ohne lesbare Berechtigungen)",
            "Permission shows only when sending (the token names no readable permissions)",
        ),
        "graph_sent" => (
            "Testnachricht an {to} angenommen: HTTP {status}",
            "Test message to {to} accepted: HTTP {status}",
        ),
        "logout" => ("Abgemeldet", "Logged out"),
        "caldav_discovery_given" => (
            "Adresse mit Pfad: ohne Ermittlung verwendet ({url})",
            "URL with a path: used without discovery ({url})",
        ),
        "caldav_discovered" => ("{url} (über {via})", "{url} (via {via})"),
        "caldav_not_discovered" => (
            "Nichts veröffentlicht ({said}); weiter mit {url}",
            "Nothing published ({said}); continuing with {url}",
        ),
        "caldav_principal" => (
            "Angemeldet als {user}; Prinzipal {principal}",
            "Logged in as {user}; principal {principal}",
        ),
        "caldav_principal_anonymous" => (
            "Ohne Anmeldung; Prinzipal {principal}",
            "Without login; principal {principal}",
        ),
        "caldav_home" => ("{home}", "{home}"),
        "caldav_calendars" => (
            "„{name}“ gefunden; vorhanden: {list}",
            "\"{name}\" found; existing: {list}",
        ),
        "caldav_calendars_first" => (
            "Kein Kalendername eingetragen: geprüft wird „{name}“; vorhanden: {list}",
            "No calendar name entered: checking \"{name}\"; existing: {list}",
        ),
        "caldav_read" => (
            "Termine vom {from} bis {to} gelesen: {count}",
            "Events from {from} to {to} read: {count}",
        ),
        _ => ("{?}", "{?}"),
    };
    crate::i18n::render(lang, (de, en), args)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The spellings `docs/glossary.json` rules out, found in `text`.
    fn off_glossary(text: &str) -> Vec<String> {
        let g: serde_json::Value =
            serde_json::from_str(include_str!("../../../docs/glossary.json")).unwrap();
        let mut found = Vec::new();
        for term in g["terms"].as_array().unwrap() {
            for not in term["not"].as_array().unwrap() {
                let not = not.as_str().unwrap();
                if text.contains(not) {
                    found.push(format!("{not} (say {})", term["de"].as_str().unwrap()));
                }
            }
        }
        found
    }

    #[test]
    fn german_diagnoses_and_field_messages_spell_the_glossary_terms_one_way() {
        assert!(
            !off_glossary("Unter „Authentifikation“ wählen").is_empty(),
            "the check finds a second spelling"
        );
        for code in DiagnosisCode::ALL {
            let (title, explanation, fix) = texts(*code);
            for text in [title.0, explanation.0, fix.0] {
                assert_eq!(off_glossary(text), Vec::<String>::new(), "{code}: {text}");
            }
        }
        for code in FieldCode::ALL {
            let text = crate::i18n::tr(Lang::De, &format!("field.{code}"), &[]);
            assert_eq!(off_glossary(&text), Vec::<String>::new(), "{code}: {text}");
        }
    }

    #[test]
    fn every_code_has_german_and_english_texts_without_open_placeholders() {
        let ctx = Context {
            host: "mail.example.com".into(),
            port: 993,
            protocol: "IMAP".into(),
        };
        for &code in DiagnosisCode::ALL {
            for lang in [Lang::De, Lang::En] {
                let d = diagnose(code, Severity::Error, lang, &ctx, vec![]);
                for s in [&d.title, &d.explanation, &d.fix] {
                    assert!(s.len() > 5, "{code} {lang:?}: {s:?}");
                    assert!(!s.contains('{'), "{code} {lang:?}: {s}");
                }
            }
            let de = diagnose(code, Severity::Error, Lang::De, &ctx, vec![]);
            let en = diagnose(code, Severity::Error, Lang::En, &ctx, vec![]);
            assert_ne!(de.explanation, en.explanation, "{code} is not translated");
        }
    }

    #[test]
    fn every_field_code_has_german_and_english_texts() {
        for &code in FieldCode::ALL {
            let key = format!("field.{code}");
            let de = crate::i18n::tr(Lang::De, &key, &[]);
            let en = crate::i18n::tr(Lang::En, &key, &[]);
            assert!(
                !de.contains("{?}") && !en.contains("{?}"),
                "{code} has no text"
            );
            assert_ne!(de, en, "{code} is not translated");
        }
    }

    #[test]
    fn classifiers_sort_codes_into_their_families() {
        assert!(DiagnosisCode::TlsUntrustedIssuer.is_tls());
        assert!(!DiagnosisCode::TlsUntrustedIssuer.is_auth());
        assert!(DiagnosisCode::AuthFailed.is_auth());
        assert!(DiagnosisCode::OauthConsentMissing.is_oauth());
        assert!(DiagnosisCode::NetTimeout.is_transient());
        assert!(
            !DiagnosisCode::AuthFailed.is_transient(),
            "a wrong password stays wrong"
        );
        assert!(
            DiagnosisCode::AuthTemporary.is_transient(),
            "a failed login service judged no password"
        );
        assert!(DiagnosisCode::AuthTemporary.is_auth());
        assert!(DiagnosisCode::TlsExpiresSoon.is_warning_only());
        for &c in DiagnosisCode::ALL {
            let families = [c.is_tls(), c.is_auth(), c.is_oauth()];
            assert!(families.iter().filter(|b| **b).count() <= 1, "{c}");
            assert!(!c.family().is_empty() && !c.family().contains('.'), "{c}");
        }
    }

    #[test]
    fn codes_round_trip_through_their_string_form() {
        for &c in DiagnosisCode::ALL {
            assert_eq!(DiagnosisCode::parse(c.as_str()), Some(c));
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{c}\""));
        }
        for &k in EvidenceKey::ALL {
            assert_eq!(EvidenceKey::parse(k.as_str()), Some(k));
        }
    }

    #[test]
    fn texts_name_the_usual_ports_of_the_protocol() {
        let ctx = Context {
            host: "smtp.example.com".into(),
            port: 25,
            protocol: "SMTP".into(),
        };
        let d = diagnose(
            DiagnosisCode::TlsExpectedStarttls,
            Severity::Error,
            Lang::De,
            &ctx,
            vec![],
        );
        assert!(d.explanation.contains("Port 25"), "{}", d.explanation);
        assert!(d.fix.contains("465"), "{}", d.fix);
    }
}
