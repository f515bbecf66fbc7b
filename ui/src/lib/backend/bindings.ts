// Generated from the Rust types in crates/core by `bindings::render`. Do not edit:
// run `UPDATE_BINDINGS=1 cargo test -p mailbox-admin-core bindings` instead.

export type Lang = "de" | "en";

export type ErrorCode = "validation" | "not_found" | "conflict" | "in_use" | "secrets_unavailable" | "secrets_locked" | "secrets_failed" | "database" | "io" | "oauth" | "cancelled" | "internal";

export type FieldCode = "certificate_invalid" | "certificate_no_key" | "certificate_not_ca" | "login_without_password" | "confirm_insecure" | "control_chars" | "csv_header" | "days_range" | "default_disabled" | "duplicate" | "email_invalid" | "export_modified" | "fingerprint_invalid" | "fixed_after_creation" | "host_invalid" | "host_port_mismatch" | "https_required" | "imap_only" | "import_conflict" | "invalid_json" | "locked_mailbox_path" | "trash_is_mailbox" | "m365_auth" | "missing_ref" | "no_spaces" | "nothing_to_test" | "calendar_not_testable" | "calendar_no_mailbox" | "oauth_flow_unavailable" | "oauth_no_flow" | "oauth_provider_required" | "owner_required" | "passphrase_wrong" | "pop3_only" | "port_range" | "range" | "required" | "template_kind" | "tenant_invalid" | "timeout_range" | "too_long" | "too_short" | "url_invalid" | "domain_invalid" | "outgoing_unknown" | "server_disabled" | "csv_invalid" | "dns_server_invalid" | "wildcard_public_suffix" | "secrets_unavailable" | "secrets_locked" | "secrets_failed" | "no_incoming" | "no_outgoing" | "plaintext_server" | "format_no_oauth" | "format_imap_only" | "ascii_only" | "qr_too_long" | "password_required" | "password_not_stored" | "certificate_expired" | "date_invalid" | "domain_unknown" | "file_extension" | "preset_unknown" | "preset_protocol";

export type FieldError = { field: string, code: FieldCode, message: string, };

export type ApiError = { code: ErrorCode, message: string, 
/**
 * The first field to fix, if the error is about input.
 */
field: string | null, fields: Array<FieldError>, };

export type SecretState = "none" | "stored" | "not_stored";

export type SecretUpdate = { "action": "keep" } | { "action": "set", "value": string } | { "action": "clear" };

export type Saved<T> = { item: T, warnings: Array<ApiError>, };

export type Removed = { id: number, warnings: Array<ApiError>, };

export type FileSave = { "outcome": "saved", path: string, bytes: number, } | { "outcome": "cancelled" };

export type AppInfo = { version: string, db_path: string, schema_version: number, keyring: string, keyring_available: boolean, 
/**
 * The operating system's language (LANG / LC_*), which the UI follows until the user
 * picks one: WebKit's `navigator.language` does not reliably reflect it.
 */
os_lang: Lang, 
/**
 * Nothing set up yet (no incoming or outgoing server, no account): the window shows
 * the ways to start — detection from an address, a provider preset, an import.
 */
unconfigured: boolean, };

export type Protocol = "imap" | "pop3" | "imap_download";

export type Security = "none" | "starttls" | "tls" | "auto";

export type AuthMethod = "password" | "cram_md5" | "oauth2" | "ntlm";

export type IncomingServer = { id: number, 
/**
 * Incremented on every save; an edit based on an older version is refused.
 */
version: number, name: string, protocol: Protocol, 
/**
 * As entered (IDN allowed); tested as punycode.
 */
host: string, security: Security, port: number, 
/**
 * True when the user typed the port; otherwise it follows protocol and security.
 */
port_manual: boolean, timeout_secs: number, auth_method: AuthMethod, ntlm_domain: string, 
/**
 * The OAuth provider for OAuth2 logins (SPEC §2.1 / §2.2).
 */
oauth_provider_id: number | null, 
/**
 * Login used for a server test without an account.
 */
login_user: string, password: SecretState, 
/**
 * The user confirmed that a password may travel unencrypted (security "none" only).
 */
allow_plaintext: boolean, tls_verify: boolean, 
/**
 * Alternative expected certificate name (Abweichender Common Name).
 */
tls_alt_name: string, 
/**
 * Pinned SHA-256 fingerprint of the server certificate, `AB:CD:…`.
 */
tls_pin_sha256: string, 
/**
 * The TLS client certificate (with key) from the certificate store, presented when the
 * server asks for one.
 */
client_certificate_id: number | null, folder_trash: string, folder_junk: string, folder_sent: string, folder_deleted: string, pop3_delete_after_fetch: boolean, pop3_delete_after_days: number | null, created_at: string, updated_at: string, };

export type ServerInput = { name: string, protocol: Protocol, 
/**
 * `host`, `host:port` or `[v6]:port`.
 */
host: string, security: Security, 
/**
 * `null`: follow protocol and security. A number: a manual port that sticks.
 */
port: number | null, timeout_secs: number, auth_method: AuthMethod, ntlm_domain: string, 
/**
 * The OAuth provider for OAuth2 logins (SPEC §2.1 / §2.2).
 */
oauth_provider_id: number | null, login_user: string, password: SecretUpdate, allow_plaintext: boolean, tls_verify: boolean, 
/**
 * Must be true to save with `tls_verify = false`.
 */
tls_insecure_confirmed: boolean, tls_alt_name: string, tls_pin_sha256: string, 
/**
 * A certificate of the store with a private key, or `null`.
 */
client_certificate_id: number | null, folder_trash: string, folder_junk: string, folder_sent: string, folder_deleted: string, pop3_delete_after_fetch: boolean, pop3_delete_after_days: number | null, };

export type OutgoingKind = "smtp" | "microsoft365";

export type M365SendVia = "smtp" | "graph";

export type SmtpAuth = "none" | "password" | "cram_md5" | "ntlm" | "oauth2";

export type OutgoingServer = { id: number, version: number, name: string, enabled: boolean, kind: OutgoingKind, m365_send_via: M365SendVia, host: string, security: Security, port: number, port_manual: boolean, timeout_secs: number, auth_method: SmtpAuth, username: string, ntlm_domain: string, 
/**
 * The OAuth provider for OAuth2 logins (SPEC §2.1 / §2.2).
 */
oauth_provider_id: number | null, password: SecretState, allow_plaintext: boolean, 
/**
 * Absenderadresse: MAIL FROM when the account does not set one.
 */
sender_address: string, 
/**
 * BCC an Absender.
 */
bcc_to_sender: boolean, 
/**
 * Senden via Server (Bp Event): the business application sends through this server from
 * its application server, not from each user's computer (for a server that relays only
 * for the application server's address). A test from here connects from this computer.
 */
send_via_app_server: boolean, tls_verify: boolean, tls_alt_name: string, tls_pin_sha256: string, smime_sign: boolean, smime_encrypt: boolean, smime_certificate_id: number | null, client_certificate_id: number | null, 
/**
 * The installation default (at most one server).
 */
is_default: boolean, created_at: string, updated_at: string, };

export type OutgoingInput = { name: string, enabled: boolean, kind: OutgoingKind, m365_send_via: M365SendVia, 
/**
 * `host` or `host:port`.
 */
host: string, security: Security, port: number | null, timeout_secs: number, auth_method: SmtpAuth, username: string, ntlm_domain: string, 
/**
 * The OAuth provider for OAuth2 logins (SPEC §2.1 / §2.2).
 */
oauth_provider_id: number | null, password: SecretUpdate, allow_plaintext: boolean, sender_address: string, bcc_to_sender: boolean, send_via_app_server: boolean, tls_verify: boolean, tls_insecure_confirmed: boolean, tls_alt_name: string, tls_pin_sha256: string, smime_sign: boolean, smime_encrypt: boolean, smime_certificate_id: number | null, client_certificate_id: number | null, is_default: boolean, };

export type Company = { id: number, version: number, name: string, 
/**
 * Short code (Mandantennummer), optional.
 */
code: string, 
/**
 * The company's default outgoing server, inherited by its accounts.
 */
default_outgoing_server_id: number | null, created_at: string, updated_at: string, };

export type CompanyInput = { name: string, code: string, default_outgoing_server_id: number | null, };

export type User = { id: number, version: number, login: string, display_name: string, email: string, group_ids: Array<number>, created_at: string, updated_at: string, };

export type UserInput = { login: string, display_name: string, email: string, };

export type Group = { id: number, version: number, name: string, description: string, member_ids: Array<number>, created_at: string, updated_at: string, };

export type GroupInput = { name: string, description: string, member_ids: Array<number>, };

export type MailboxFate = { "action": "refuse" } | { "action": "reassign", "group_id": number } | { "action": "delete" };

export type Employee = { id: number, version: number, name: string, email: string, personnel_number: string, 
/**
 * The app user this employee is, if any.
 */
user_id: number | null, created_at: string, updated_at: string, };

export type EmployeeInput = { name: string, email: string, personnel_number: string, user_id: number | null, };

export type ImportRow = { 
/**
 * 1-based line number in the file (the header is line 1).
 */
line: number, login: string, created: boolean, 
/**
 * Why the row was refused, per field.
 */
errors: Array<FieldError>, };

export type Owner = { "kind": "user", "id": number } | { "kind": "group", "id": number };

export type DeleteProcedure = "move_to_trash" | "mark_deleted" | "expunge";

export type AccountFolder = { folder: string, subscribed: boolean, 
/**
 * Fetched automatically (Ausgewählte Unterordner abrufen).
 */
auto_fetch: boolean, };

export type Account = { id: number, version: number, name: string, email: string, 
/**
 * Absendername / alias; empty: the owner's name (`effective_sender_name`).
 */
sender_name: string, 
/**
 * The name mail from this account is sent with: `sender_name`, or when that is empty the
 * owning user's display name (else the login) or the owning group's name. Resolved when
 * read, so that it follows a rename of the owner; never stored.
 */
effective_sender_name: string, reply_to: string, owner: Owner, 
/**
 * Users assigned to the mailbox (Zuordnung zu mehreren Usern).
 */
user_ids: Array<number>, company_id: number | null, incoming_server_id: number | null, 
/**
 * `None`: inherited from the company, else the installation default.
 */
outgoing_server_id: number | null, username: string, password: SecretState, mailbox_path: string, 
/**
 * Set by the business application once mail was received: locks `mailbox_path`.
 */
mail_received: boolean, folder_trash: string, folder_junk: string, folder_sent: string, only_subscribed: boolean, folders: Array<AccountFolder>, may_send: boolean, may_receive: boolean, may_out_of_office: boolean, send_bcc: string, signature: string, auto_fetch: boolean, verbose_log: boolean, 
/**
 * OAuth2 logins: which SASL mechanism carries the token (`auto`: what the server offers).
 */
oauth_mechanism: OauthMechanism, 
/**
 * Berechtigungsgruppe für Anhänge (Eingang): the group that may see the attachments of
 * received mail; none: everyone who may see the mailbox.
 */
attachments_group_in_id: number | null, 
/**
 * Berechtigungsgruppe für Anhänge (Ausgang): the same for mail sent from the account.
 */
attachments_group_out_id: number | null, 
/**
 * IMAP: how mail is deleted (and how the round trip removes its test mail).
 */
delete_procedure: DeleteProcedure, created_at: string, updated_at: string, };

export type AccountSummary = { id: number, name: string, email: string, owner: Owner, 
/**
 * The owning user's login or the owning group's name.
 */
owner_name: string, password: SecretState, mail_received: boolean, };

export type AccountInput = { name: string, email: string, sender_name: string, reply_to: string, owner: Owner | null, user_ids: Array<number>, company_id: number | null, incoming_server_id: number | null, outgoing_server_id: number | null, username: string, password: SecretUpdate, mailbox_path: string, folder_trash: string, folder_junk: string, folder_sent: string, only_subscribed: boolean, folders: Array<AccountFolder>, may_send: boolean, may_receive: boolean, may_out_of_office: boolean, send_bcc: string, signature: string, auto_fetch: boolean, verbose_log: boolean, 
/**
 * OAuth2 logins: which SASL mechanism carries the token (`auto`: what the server offers).
 */
oauth_mechanism: OauthMechanism, attachments_group_in_id: number | null, attachments_group_out_id: number | null, delete_procedure: DeleteProcedure, };

export type OutgoingSource = "account" | "company" | "installation" | "none";

export type EffectiveOutgoing = { server_id: number | null, server_name: string | null, source: OutgoingSource, 
/**
 * The company it was inherited from, when `source` is `company`.
 */
company_name: string | null, };

export type CalendarBackend = "outlook" | "caldav" | "microsoft365";

export type CalendarAccount = { id: number, version: number, name: string, 
/**
 * The employee whose calendar syncs (need not be an app user).
 */
employee_id: number, backend: CalendarBackend, outlook_profile: string, calendar_name: string, caldav_url: string, username: string, password: SecretState, 
/**
 * Microsoft 365: the OAuth provider whose token reads the calendar (no password).
 */
oauth_provider_id: number | null, sync_days_back: number, sync_days_ahead: number, created_at: string, updated_at: string, };

export type CalendarInput = { name: string, employee_id: number | null, backend: CalendarBackend, outlook_profile: string, calendar_name: string, caldav_url: string, username: string, password: SecretUpdate, oauth_provider_id: number | null, sync_days_back: number, sync_days_ahead: number, };

export type ProviderKind = "microsoft365" | "google" | "oidc";

export type OauthFlow = "authorization_code" | "device_code" | "client_credentials";

export type OauthMechanism = "auto" | "xoauth2" | "oauthbearer";

export type OauthProvider = { id: number, version: number, name: string, kind: ProviderKind, 
/**
 * Microsoft 365: the directory (tenant) id or domain; `organizations` for any.
 */
tenant_id: string, 
/**
 * OpenID Connect: `https://…/.well-known/openid-configuration` (or the issuer).
 */
discovery_url: string, authorization_endpoint: string, token_endpoint: string, device_endpoint: string, 
/**
 * Where disconnect revokes tokens (RFC 7009); empty: the provider cannot.
 */
revocation_endpoint: string, client_id: string, client_secret: SecretState, 
/**
 * Delegated scopes (space-separated) asked for when a user connects.
 */
scopes: string, 
/**
 * Scopes of app-only tokens (client credentials), e.g. `…/.default`.
 */
app_scopes: string, 
/**
 * A provider of one's own (OpenID Connect): the mail servers its tokens may be sent to.
 * Empty: the servers in the registrable domain of its token endpoint.
 */
token_hosts: Array<string>, created_at: string, updated_at: string, };

export type OauthProviderInput = { name: string, kind: ProviderKind, tenant_id: string, discovery_url: string, authorization_endpoint: string, token_endpoint: string, device_endpoint: string, revocation_endpoint: string, client_id: string, client_secret: SecretUpdate, scopes: string, app_scopes: string, 
/**
 * OpenID Connect: the mail servers its tokens may go to (empty: its token endpoint's
 * domain). Ignored for Microsoft 365 and Google, whose servers are known.
 */
token_hosts: Array<string>, };

export type OauthConnection = { account_id: number, provider_id: number, provider_name: string, flow: OauthFlow, 
/**
 * Who consented (e-mail or user name from the ID token); the client id for app-only.
 */
subject: string, 
/**
 * The scopes the provider granted (space-separated).
 */
scopes: string, 
/**
 * When the current access token expires (RFC 3339, UTC), if known.
 */
expires_at: string | null, has_refresh_token: boolean, 
/**
 * Whether the tokens are in the keyring.
 */
tokens: SecretState, connected_at: string, refreshed_at: string | null, };

export type OauthStatus = { account_id: number, account_name: string, connection: OauthConnection | null, 
/**
 * Scopes the provider asks for that the grant lacks (OpenID scopes not counted).
 */
missing_scopes: Array<string>, };

export type ConnectEvent = { "kind": "open_browser", url: string, } | { "kind": "device_code", user_code: string, verification_uri: string, verification_uri_complete: string | null, expires_in: number, message: string | null, } | { "kind": "requesting" };

export type ConnectOptions = { flow: OauthFlow, 
/**
 * `None`: the provider of the account's incoming (else outgoing) server, or the only one.
 */
provider_id: number | null, 
/**
 * How long to wait for the browser (authorization code flow), seconds.
 */
wait_secs: number | null, };

export type Disconnected = { account_id: number, 
/**
 * Whether the provider revoked the refresh token (false: it has no revocation endpoint).
 */
revoked: boolean, warnings: Array<ApiError>, };

export type CertFormat = "pem" | "pkcs12";

export type CertSecretKind = "none" | "passphrase" | "private_key";

export type Certificate = { id: number, version: number, name: string, format: CertFormat, subject: string, issuer: string, serial: string, 
/**
 * RFC 3339.
 */
not_before: string, not_after: string, 
/**
 * `AB:CD:…` of the leaf certificate's DER.
 */
sha256: string, 
/**
 * Addresses from the subject and SANs (for S/MIME).
 */
email_addresses: Array<string>, has_private_key: boolean, secret_kind: CertSecretKind, secret: SecretState, 
/**
 * Days until `not_after` (negative when expired), at the time of reading.
 */
days_left: number, 
/**
 * Expired, or expiring within 30 days.
 */
expiry_warning: boolean, 
/**
 * Trusted as a root CA ("als Stammzertifizierungsstelle vertrauen") by every connection.
 */
trust_root: boolean, 
/**
 * Empty: trusted installation-wide; else only for connections to these hosts.
 */
trust_hosts: Array<string>, created_at: string, updated_at: string, };

export type CertImport = { name: string, data_base64: string, 
/**
 * The PKCS#12 or encrypted-key passphrase; goes to the keyring.
 */
passphrase: string | null, 
/**
 * Trust it as a root CA (it must be a CA certificate).
 */
trust_root: boolean, 
/**
 * With `trust_root`: only for these hosts (empty: installation-wide).
 */
trust_hosts: Array<string>, };

export type CertTrust = { trust_root: boolean, 
/**
 * Empty: installation-wide; else only for connections to these hosts.
 */
trust_hosts: Array<string>, };

export type LoginSource = "account" | "server" | "address";

export type Referenced = "incoming_server" | "outgoing_server" | "certificate" | "oauth_provider";

export type EffectiveLogin = { source: LoginSource, user: string, 
/**
 * The incoming server whose login is used (`source` = `server`).
 */
server_name: string | null, 
/**
 * A password is stored where the login comes from.
 */
has_password: boolean, 
/**
 * The server's method needs a password (not OAuth2).
 */
needs_password: boolean, };

export type GeneralSettings = { version: number, 
/**
 * Automatic fetch every N minutes (0 = off). Default 15.
 */
fetch_interval_minutes: number, 
/**
 * Postfach ausblenden.
 */
hide_mailbox: boolean, 
/**
 * Ordner Ausgang im E-Mail-Postfach anzeigen.
 */
show_outbox: boolean, 
/**
 * Keinen manuellen Abruf erlauben.
 */
no_manual_fetch: boolean, 
/**
 * Benutzer können E-Mail neu laden (downloads again what was already fetched).
 */
users_may_redownload: boolean, 
/**
 * E-Mails nach dem Versand sperren (Revisionssicherheit).
 */
lock_after_send: boolean, 
/**
 * Detection from an address: the overall time budget in seconds (1–60, default 8).
 */
detect_budget_secs: number, 
/**
 * The DNS server for detection, the domain check and their connection tests
 * (`IP[:PORT]`, split-horizon DNS); empty: the system's resolver.
 */
dns_server: string, 
/**
 * The provider database (ISPDB format): `https://…/`, the domain is appended; empty: off.
 */
provider_db_url: string, 
/**
 * Also ask autoconfig over plain HTTP (results unconfirmed).
 */
detect_allow_http: boolean, 
/**
 * Send the address to the domain's own autoconfig server (`?emailaddress=`).
 */
detect_send_address: boolean, 
/**
 * Nur speichern, wenn der Verbindungstest besteht: the window's forms (incoming server,
 * outgoing server, account) and the CLI's `add` test the draft first and save only
 * when the test passes (a disabled outgoing server is saved untested).
 */
save_only_tested: boolean, updated_at: string, };

export type TemplateKind = "incoming" | "outgoing" | "account";

export type Template = { id: number, version: number, name: string, kind: TemplateKind, 
/**
 * The input (ServerInput, OutgoingInput or AccountInput) without any secret.
 */
data: unknown, created_at: string, updated_at: string, };

export type TemplateInput = { name: string, kind: TemplateKind, data: unknown, };

export type PresetServer = { host: string, port: number, security: Security, };

export type Preset = { id: string, name: string, 
/**
 * Domains whose addresses belong to this provider.
 */
domains: Array<string>, imap: PresetServer | null, pop3: PresetServer | null, smtp: PresetServer, incoming_auth: AuthMethod, outgoing_auth: SmtpAuth, 
/**
 * What to do at the provider before the account works, in German and English.
 */
hint_de: string, hint_en: string, };

export type DevicePlatform = "ios" | "android" | "desktop" | "other";

export type ProvisionMethod = "profile" | "qr" | "autoconfig";

export type MobileDevice = { id: number, version: number, 
/**
 * The device's name (e.g. "iPhone Max Mustermann").
 */
name: string, platform: DevicePlatform, 
/**
 * The person using the device (an app user), if known.
 */
user_id: number | null, account_id: number, 
/**
 * The account's name, for lists.
 */
account_name: string, method: ProvisionMethod, 
/**
 * When it was set up (RFC 3339, or a date `YYYY-MM-DD` as entered).
 */
set_up_at: string, 
/**
 * Who set it up (the operating-system user who produced the file or code).
 */
set_up_by: string, notes: string, created_at: string, updated_at: string, };

export type MobileDeviceInput = { name: string, platform: DevicePlatform, user_id: number | null, account_id: number | null, method: ProvisionMethod, 
/**
 * Empty: now.
 */
set_up_at: string, set_up_by: string, notes: string, };

export type DeviceNote = { name: string, platform: DevicePlatform, user_id: number | null, };

export type ProfileOptions = { 
/**
 * Put the account's password into the profile (anyone holding the file can read it).
 */
with_password: boolean, 
/**
 * Sign with this certificate of the store (it needs its private key).
 */
certificate_id: number | null, device: DeviceNote | null, };

export type QrFormat = "thunderbird" | "dclogin";

export type QrOptions = { format: QrFormat, with_password: boolean, device: DeviceNote | null, };

export type ProducedFile = { file_name: string, mime: string, data_base64: string, contains_password: boolean, signed: boolean, 
/**
 * The Mobile-Konten entry recorded for the device, when one was named.
 */
device: MobileDevice | null, };

export type QrCodeOut = { format: QrFormat, 
/**
 * Characters in the code (Thunderbird for Android reads at most 800).
 */
chars: number, svg: string, png_base64: string, contains_password: boolean, device: MobileDevice | null, };

export type AutoconfigOut = { domain: string, xml: string, 
/**
 * Where it must be published (both, without authentication).
 */
urls: Array<string>, 
/**
 * False: the account's username fits no placeholder; users must correct it on the device.
 */
username_placeholder: boolean, 
/**
 * The account it was made from.
 */
account_id: number, };

export type PublicationCheck = { url: string, published: boolean, status: number | null, 
/**
 * Why not (translated), when not published.
 */
problem: string | null, };

export type ExportOptions = { 
/**
 * Include the secrets, encrypted with `passphrase`.
 */
include_secrets: boolean, passphrase: string | null, };

export type OnConflict = "fail" | "skip";

export type ImportOptions = { on_conflict: OnConflict, 
/**
 * Decrypts the secrets of an export made with secrets.
 */
passphrase: string | null, };

export type ImportReport = { 
/**
 * Per kind, how many rows were created.
 */
created: { [key in string]: number }, 
/**
 * `kind "name"` of rows kept because they existed (with `skip`).
 */
skipped: Array<string>, secrets_restored: number, 
/**
 * Secrets that must be entered again (`kind "name": field`).
 */
secrets_to_reenter: Array<string>, warnings: Array<ApiError>, };

export type ProbeProtocol = "imap" | "pop3" | "imap_download" | "smtp" | "graph";

export type ProbeAuth = "none" | "password" | "plain" | "login" | "cram_md5" | "oauth2" | "ntlm";

export type DiagnosisCode = "dns.not_found" | "dns.failed" | "net.refused" | "net.timeout" | "net.silent" | "net.unreachable" | "net.closed" | "tls.expected_implicit" | "tls.expected_starttls" | "tls.starttls_unsupported" | "tls.hostname_mismatch" | "tls.expired" | "tls.not_yet_valid" | "tls.self_signed" | "tls.untrusted_issuer" | "tls.pin_mismatch" | "tls.handshake_failed" | "tls.legacy_version" | "tls.verify_disabled" | "tls.expires_soon" | "tls.client_cert_required" | "tls.client_cert_rejected" | "tls.client_cert_unusable" | "tls.client_cert_expired" | "protocol.wrong_service" | "protocol.invalid_response" | "protocol.service_unavailable" | "auth.failed" | "auth.mechanism_unsupported" | "auth.plaintext_disabled" | "auth.unencrypted_not_allowed" | "auth.password_missing" | "auth.method_not_available" | "auth.ntlm_not_offered" | "auth.ntlm_refused" | "auth.ntlm_domain_mismatch" | "auth.plaintext_sent" | "auth.temporary" | "auth.password_expired" | "auth.account_disabled" | "auth.access_disabled" | "auth.app_password_required" | "auth.web_login_required" | "auth.not_authorized" | "auth.mailbox_in_use" | "auth.login_delay" | "oauth.token_invalid" | "oauth.consent_missing" | "oauth.admin_approval" | "oauth.scope_missing" | "oauth.wrong_user" | "oauth.not_connected" | "oauth.host_not_allowed" | "oauth.access_denied" | "oauth.client_invalid" | "oauth.device_expired" | "oauth.provider_unreachable" | "oauth.provider_error" | "oauth.endpoint_wrong" | "oauth.flow_unavailable" | "oauth.state_mismatch" | "oauth.browser_timeout" | "oauth.cancelled" | "imap.mailbox_missing" | "imap.folder_missing" | "imap.trash_missing" | "pop3.uidl_missing" | "smtp.sender_rejected" | "smtp.relay_denied" | "smtp.relay_denied_app_server" | "smtp.app_server_sends" | "smtp.recipient_rejected" | "smtp.message_rejected" | "smtp.auth_required" | "smtp.temporary" | "roundtrip.not_received" | "graph.token_rejected" | "graph.permission_missing" | "graph.mailbox_not_found" | "graph.access_policy" | "graph.unavailable" | "graph.error" | "smime.certificate_missing" | "smime.key_missing" | "smime.certificate_expired" | "smime.wrong_purpose" | "smime.address_mismatch" | "smime.failed" | "smime.signature_invalid" | "domain.mx_missing" | "domain.mx_unresolvable" | "domain.spf_missing" | "domain.spf_multiple" | "domain.spf_invalid" | "domain.spf_too_many_lookups" | "domain.spf_allows_all" | "domain.spf_not_authorized" | "domain.spf_no_outgoing" | "domain.dmarc_missing" | "domain.dmarc_invalid" | "domain.dmarc_monitor_only" | "domain.dmarc_partial" | "domain.dkim_missing" | "domain.dkim_none_found" | "domain.dkim_invalid" | "domain.mta_sts_missing" | "domain.mta_sts_invalid" | "domain.mta_sts_policy_unreachable" | "domain.mta_sts_mx_mismatch" | "domain.tls_rpt_missing" | "domain.tls_rpt_invalid" | "domain.autoconfig_missing" | "domain.srv_missing" | "detect.not_published" | "detect.timeout" | "detect.unreachable" | "detect.document_invalid" | "detect.document_too_large" | "detect.document_dtd" | "detect.insecure_refused" | "detect.skipped" | "test.incoming_not_checked" | "test.outgoing_not_checked" | "caldav.discovery_failed" | "caldav.not_caldav" | "caldav.auth_failed" | "caldav.access_denied" | "caldav.calendar_not_found" | "caldav.read_failed" | "caldav.plain_http";

export type EvidenceKey = "address" | "after" | "calendars" | "capabilities" | "certificate_names" | "command" | "consented_as" | "days_left" | "deleted" | "delimiter" | "detail" | "existing_folders" | "fetched_folder" | "expected" | "expected_name" | "issuer" | "junk" | "lookups" | "keyring" | "last_received" | "last_sent" | "login_user" | "mailbox_path" | "marker" | "method" | "name" | "ntlm_domain" | "client_certificate" | "not_after" | "not_before" | "observed" | "offered" | "pinned_sha256" | "port" | "problem" | "provider_error" | "provider_said" | "recipient" | "record" | "resolver_said" | "selector" | "sender" | "sent" | "server_error" | "server_said" | "server_sent" | "server_alert" | "server_domain" | "status_code" | "provider" | "source" | "sha256" | "sounds_like" | "step" | "subject" | "timeout" | "trash" | "url" | "user" | "verification_would_report" | "waited" | "wanted";

export type Trust = "verified" | "pinned" | "not_verified" | "failed";

export type Severity = "error" | "warning";

export type Evidence = { key: EvidenceKey, value: string, };

export type Diagnosis = { 
/**
 * Stable, e.g. `tls.hostname_mismatch`; scripts and the UI branch on it.
 */
code: DiagnosisCode, severity: Severity, title: string, explanation: string, fix: string, evidence: Array<Evidence>, };

export type Dir = "client" | "server" | "info";

export type TranscriptLine = { dir: Dir, text: string, };

export type Role = "incoming" | "outgoing" | "calendar";

export type StepKind = "resolve" | "connect" | "tls" | "greeting" | "capabilities" | "login" | "folders" | "mailbox" | "special_folders" | "stat" | "uidl" | "sender" | "send" | "roundtrip" | "logout" | "not_checked" | "discovery" | "principal" | "calendar_home" | "calendars" | "calendar_read";

export type StepStatus = "running" | "ok" | "warning" | "failed" | "skipped" | "cancelled";

export type CertInfo = { subject: string, issuer: string, 
/**
 * DNS names and IP addresses the certificate is valid for.
 */
names: Array<string>, 
/**
 * RFC 3339.
 */
not_before: string, not_after: string, 
/**
 * `AB:CD:…`, as pinned in the server settings.
 */
sha256: string, self_signed: boolean, 
/**
 * The certificate itself (PEM, public): what "trust this root" stores.
 */
pem: string, };

export type OsTrust = "trusted" | "untrusted_issuer" | "self_signed" | "expired" | "not_yet_valid" | "hostname_mismatch" | "rejected" | "no_handshake";

export type TlsEvidence = { 
/**
 * `TLSv1.3`; empty when the handshake did not finish.
 */
version: string, cipher: string, 
/**
 * Verified, pinned, not verified (verification off) or failed.
 */
trust: Trust, 
/**
 * The name the certificate was checked against.
 */
checked_name: string, 
/**
 * Leaf first.
 */
chain: Array<CertInfo>, 
/**
 * What the operating system's own TLS stack says, with only the OS trust store (a
 * second handshake): `None` when not checked.
 */
os_trust: OsTrust | null, };

export type Step = { role: Role, kind: StepKind, status: StepStatus, duration_ms: number, summary: string, 
/**
 * Why it failed, or the first warning.
 */
diagnosis: Diagnosis | null, 
/**
 * Further warnings of the same step.
 */
more_diagnoses: Array<Diagnosis>, transcript: Array<TranscriptLine>, 
/**
 * For TLS steps: what the handshake and the certificate showed.
 */
tls: TlsEvidence | null, };

export type Folder = { 
/**
 * Decoded (UTF-8) name, as shown and stored in the settings.
 */
name: string, delimiter: string | null, 
/**
 * `\Sent`, `\Trash`, `\Junk`, `\Drafts`, `\Archive`, `\All`, `\Flagged`.
 */
special_use: string | null, subscribed: boolean, selectable: boolean, };

export type TargetSummary = { role: Role, protocol: ProbeProtocol, host: string, 
/**
 * The punycode form that was resolved.
 */
ascii_host: string, port: number, security: Security, auth: ProbeAuth, user: string, tls_verify: boolean, };

export type TestReport = { targets: Array<TargetSummary>, 
/**
 * RFC 3339 UTC.
 */
started_at: string, duration_ms: number, 
/**
 * Every step passed (warnings allowed) and the test was not cancelled.
 */
ok: boolean, cancelled: boolean, 
/**
 * The diagnosis codes of all failures and warnings, in order.
 */
codes: Array<DiagnosisCode>, steps: Array<Step>, 
/**
 * The first TLS evidence (the incoming server's, if tested).
 */
tls: TlsEvidence | null, 
/**
 * IMAP: the server's folder tree.
 */
folders: Array<Folder> | null, };

export type ProbeEvent = { 
/**
 * Position of the step in `TestReport::steps`.
 */
index: number, step: Step, };

export type TestOptions = { 
/**
 * Additional trusted CA certificates (PEM) besides the OS trust store, e.g. a company
 * CA (`mbadmin test --ca-file`).
 */
extra_roots: Array<string>, };

export type TestTargetKind = "incoming_server" | "outgoing_server" | "account" | "calendar_account";

export type TestRun = { id: number, target_kind: TestTargetKind, target_id: number, started_at: string, duration_ms: number, ok: boolean, cancelled: boolean, codes: Array<DiagnosisCode>, report: TestReport, };

export type AccountTestOptions = { 
/**
 * Send a test mail to this address through the account's outgoing server.
 */
send_to: string | null, 
/**
 * Send a mail to the account itself and wait until it arrives by IMAP/POP3.
 */
roundtrip: boolean, 
/**
 * How long the round trip waits for the mail (seconds; default 60).
 */
roundtrip_wait_secs: number | null, 
/**
 * Additional trusted CA certificates (PEM) besides the OS trust store, e.g. a company
 * CA (`mbadmin test --ca-file`).
 */
extra_roots: Array<string>, };

export type BulkResult = { account_id: number, account: string, ok: boolean, cancelled: boolean, 
/**
 * Failed only for reasons that may pass by themselves (e.g. the server's login service
 * failed: the password was not judged); counted apart from real failures.
 */
temporary: boolean, duration_ms: number, codes: Array<DiagnosisCode>, 
/**
 * Why the account could not be tested at all (no server configured, …).
 */
error: string | null, };

export type BulkSummary = { results: Array<BulkResult>, passed: number, 
/**
 * Real failures: something in the settings or on the server needs fixing.
 */
failed: number, 
/**
 * Temporary failures (`BulkResult::temporary`): test again later.
 */
temporary: number, duration_ms: number, };

export type FolderRefresh = { 
/**
 * When the tree was read (RFC 3339); empty when it could not be read.
 */
read_at: string, 
/**
 * INBOX first; empty when `error` says why.
 */
folders: Array<Folder>, 
/**
 * The account's chosen folders (subscribed or fetched), its special folders and its
 * mailbox path that the server does not have.
 */
missing: Array<string>, 
/**
 * Why the tree could not be read: connection, TLS, login or the LIST command.
 */
error: Diagnosis | null, };

export type SubscriptionChange = { 
/**
 * The decoded (UTF-8) name, as the tree shows it.
 */
folder: string, subscribed: boolean, };

export type SubscriptionsWritten = { 
/**
 * The changes the server took, in order; after an error the rest were not sent.
 */
written: Array<SubscriptionChange>, 
/**
 * Why the server did not take the next one (or the connection failed).
 */
error: Diagnosis | null, };

export type DomainCheckInput = { 
/**
 * The mail domain (`firma.de`; an IDN as typed). An address `info@firma.de` is taken
 * as its domain.
 */
domain: string, 
/**
 * The envelope sender SPF is evaluated for; empty: `postmaster@<domain>`. Also picks
 * the outgoing server of the account with this address.
 */
sender: string, 
/**
 * The outgoing server (its name) whose addresses SPF must allow; empty: the sender's
 * account's, else the one with this sender address, else the default.
 */
outgoing: string, 
/**
 * DKIM selectors to look for besides the common ones.
 */
dkim_selectors: Array<string>, 
/**
 * `IP[:PORT]` of the DNS server to ask; empty: `MAILBOX_ADMIN_DNS`, else the system's.
 */
dns_server: string, };

export type DomainStepKind = "mx" | "spf" | "spf_outgoing" | "dmarc" | "dkim" | "mta_sts" | "tls_rpt" | "autoconfig" | "srv";

export type DomainStep = { kind: DomainStepKind, status: StepStatus, duration_ms: number, 
/**
 * One line in the user's language, e.g. the record found.
 */
summary: string, 
/**
 * The first finding (error before warning).
 */
diagnosis: Diagnosis | null, 
/**
 * Further findings of the same step.
 */
more_diagnoses: Array<Diagnosis>, 
/**
 * `Client`: the question asked (`TXT _dmarc.firma.de`), `Server`: the answer,
 * `Info`: a note of the check.
 */
transcript: Array<TranscriptLine>, };

export type OutgoingChecked = { name: string, host: string, 
/**
 * Its addresses, as resolved (what SPF must allow).
 */
ips: Array<string>, };

export type SpfResult = "pass" | "fail" | "soft_fail" | "neutral" | "none" | "perm_error" | "temp_error";

export type SpfVerdict = { ip: string, result: SpfResult, 
/**
 * The directive that decided (`ip4:192.0.2.0/24`, `-all`), with the domain whose
 * record holds it; empty when none matched or the evaluation failed.
 */
matched: string, 
/**
 * Why the evaluation failed (permerror/temperror), else empty.
 */
problem: string, };

export type SpfFacts = { record: string, 
/**
 * DNS lookups a receiver needs for the whole record, includes and redirects counted
 * through (at most 10 allowed); counting stops a little above the limit.
 */
lookups: number, 
/**
 * The final `all` with its qualifier (`-all`, `~all`, …), when the record has one.
 */
all: string | null, 
/**
 * One verdict per address of the outgoing server (empty: none checked).
 */
outgoing: Array<SpfVerdict>, };

export type DmarcFacts = { record: string, 
/**
 * Where it was found: `_dmarc.<domain>`, or of the organizational domain.
 */
found_at: string, 
/**
 * `none`, `quarantine` or `reject`.
 */
p: string, 
/**
 * For subdomains; `p` when not given.
 */
sp: string, 
/**
 * Share of failing mail the policy applies to (RFC 7489), 100 when not given.
 */
pct: number, 
/**
 * Aggregate report addresses (`rua=mailto:…`).
 */
rua: Array<string>, };

export type DkimKey = { selector: string, 
/**
 * Named by the administrator (a missing one is an error), not just tried.
 */
named: boolean, 
/**
 * A record is published under `<selector>._domainkey.<domain>`.
 */
found: boolean, 
/**
 * `rsa` or `ed25519` (when found and valid).
 */
key_type: string, 
/**
 * RSA: the modulus size in bits; 0 when unknown.
 */
key_bits: number, 
/**
 * Why the record is not a usable key (empty: fine or not found).
 */
problem: string, };

export type MtaStsFacts = { 
/**
 * The `id` of the `_mta-sts` TXT record.
 */
id: string, 
/**
 * Where the policy was asked for.
 */
policy_url: string, 
/**
 * `enforce`, `testing` or `none`; empty when the policy could not be read.
 */
mode: string, 
/**
 * The `mx:` patterns of the policy.
 */
mx: Array<string>, 
/**
 * Seconds.
 */
max_age: number, };

export type DomainReport = { 
/**
 * As entered.
 */
domain: string, 
/**
 * Punycode, as asked.
 */
ascii_domain: string, 
/**
 * The envelope sender SPF was evaluated for.
 */
sender: string, 
/**
 * `IP:PORT` of the DNS server asked; empty: the system's resolver.
 */
dns_server: string, outgoing: OutgoingChecked | null, 
/**
 * RFC 3339 UTC.
 */
started_at: string, duration_ms: number, 
/**
 * No step failed (warnings allowed).
 */
ok: boolean, 
/**
 * The diagnosis codes of all findings, in step order.
 */
codes: Array<DiagnosisCode>, steps: Array<DomainStep>, 
/**
 * MX hosts, most preferred first.
 */
mx: Array<string>, spf: SpfFacts | null, dmarc: DmarcFacts | null, 
/**
 * Every selector asked, named ones first.
 */
dkim: Array<DkimKey>, mta_sts: MtaStsFacts | null, };

export type DetectedProtocol = "imap" | "pop3" | "smtp";

export type DetectedAuth = "password" | "cram_md5" | "oauth2" | "ntlm" | "none" | "unsupported";

export type UsernameForm = "email_address" | "local_part" | "other";

export type DetectedServer = { protocol: DetectedProtocol, host: string, port: number, security: Security, auth: DetectedAuth, username: UsernameForm, 
/**
 * As the source wrote it (`%EMAILADDRESS%`, …).
 */
username_template: string, 
/**
 * Where every value of this server comes from.
 */
source: SourceKind, 
/**
 * The URL, DNS name or preset that gave it.
 */
origin: string, };

export type SourceKind = "override" | "preset" | "autoconfig" | "well_known" | "autoconfig_http" | "well_known_http" | "ispdb" | "mx" | "srv" | "exchange" | "guess";

export type SourceStatus = "running" | "found" | "not_found" | "timed_out" | "refused" | "failed" | "cancelled" | "skipped";

export type SourceOutcome = { source: SourceKind, 
/**
 * What was asked: URL(s) or DNS name(s).
 */
target: string, status: SourceStatus, 
/**
 * Why it did not find anything (a `detect.*` code), with its translated texts.
 */
diagnosis: Diagnosis | null, 
/**
 * The details: what each request answered.
 */
detail: string, duration_ms: number, };

export type TrustLevel = "confirmed" | "unconfirmed";

export type UnconfirmedReason = "plain_http" | "cross_domain_redirect" | "mx_without_dnssec" | "srv" | "guess";

export type DetectTrust = { level: TrustLevel, reasons: Array<UnconfirmedReason>, 
/**
 * The registrable domain the settings come from (what the user is asked to trust).
 */
domain: string, };

export type DetectResult = { 
/**
 * As entered.
 */
address: string, 
/**
 * As entered (IDN shown as typed).
 */
domain: string, 
/**
 * The punycode form that was asked.
 */
ascii_domain: string, 
/**
 * The winning source, if any.
 */
source: SourceKind | null, 
/**
 * The preset the settings correspond to (Microsoft 365 and Google from MX, presets).
 */
provider_id: string | null, provider_name: string, incoming: DetectedServer | null, outgoing: DetectedServer | null, 
/**
 * The login name for the incoming server (else the outgoing one).
 */
username: string, trust: DetectTrust | null, 
/**
 * Every source, in rank order, with its outcome.
 */
outcomes: Array<SourceOutcome>, duration_ms: number, budget_ms: number, cancelled: boolean, };

export type DetectEvent = { 
/**
 * Position in `DetectResult::outcomes`.
 */
index: number, outcome: SourceOutcome, };

export type DetectProof = { incoming: TestReport | null, outgoing: TestReport | null, 
/**
 * Every tested server passed.
 */
ok: boolean, 
/**
 * Why a server was not tested (e.g. OAuth2 needs a connected account first).
 */
not_tested: Array<string>, };

export type DetectOutcome = { result: DetectResult, proof: DetectProof | null, };

export type DetectDraft = { account: AccountInput, 
/**
 * An existing incoming server with the same host and port (reused), else `None`.
 */
incoming_server_id: number | null, 
/**
 * A new incoming server to create (when none is reused).
 */
incoming: ServerInput | null, outgoing_server_id: number | null, outgoing: OutgoingInput | null, };

export type DetectRequest = { 
/**
 * With a password the found settings are proven by a login.
 */
password: string | null, 
/**
 * `IP[:PORT]` instead of `MAILBOX_ADMIN_DNS` and the setting.
 */
dns_server: string | null, exchange: boolean, };

export type DetectProgressEvent = { "kind": "source", event: DetectEvent, } | { "kind": "step", event: ProbeEvent, };

/** The port an incoming server uses unless typed by hand (`default_incoming_port`). */
export const DEFAULT_INCOMING_PORTS: Record<Protocol, Record<Security, number>> = {
  imap: { none: 143, starttls: 143, tls: 993, auto: 993 },
  pop3: { none: 110, starttls: 110, tls: 995, auto: 995 },
  imap_download: { none: 143, starttls: 143, tls: 993, auto: 993 },
};

/** The port an outgoing server uses unless typed by hand (`default_outgoing_port`). */
export const DEFAULT_OUTGOING_PORTS: Record<Security, number> = { none: 25, starttls: 587, tls: 465, auto: 465 };

export const M365_SMTP_HOST = "smtp.office365.com";

export const DEFAULT_TIMEOUT_SECS = 30;
