// Generated from the Rust types in crates/core by `bindings::render`. Do not edit:
// run `UPDATE_BINDINGS=1 cargo test -p mailbox-admin-core bindings` instead.

export type Lang = "de" | "en";

export type ErrorCode = "validation" | "not_found" | "conflict" | "in_use" | "secrets_unavailable" | "secrets_locked" | "secrets_failed" | "database" | "io" | "internal";

export type FieldError = { field: string, code: string, message: string, };

export type ApiError = { code: ErrorCode, message: string, 
/**
 * The first field to fix, if the error is about input.
 */
field: string | null, fields: Array<FieldError>, };

export type SecretState = "none" | "stored" | "not_stored";

export type SecretUpdate = { "action": "keep" } | { "action": "set", "value": string } | { "action": "clear" };

export type Saved<T> = { item: T, warnings: Array<ApiError>, };

export type Removed = { id: number, warnings: Array<ApiError>, };

export type AppInfo = { version: string, db_path: string, schema_version: number, keyring: string, keyring_available: boolean, 
/**
 * The operating system's language (LANG / LC_*), which the UI follows until the user
 * picks one: WebKit's `navigator.language` does not reliably reflect it.
 */
os_lang: Lang, };

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
tls_pin_sha256: string, folder_trash: string, folder_junk: string, folder_sent: string, folder_deleted: string, pop3_delete_after_fetch: boolean, pop3_delete_after_days: number | null, created_at: string, updated_at: string, };

export type ServerInput = { name: string, protocol: Protocol, 
/**
 * `host`, `host:port` or `[v6]:port`.
 */
host: string, security: Security, 
/**
 * `null`: follow protocol and security. A number: a manual port that sticks.
 */
port: number | null, timeout_secs: number, auth_method: AuthMethod, ntlm_domain: string, login_user: string, password: SecretUpdate, allow_plaintext: boolean, tls_verify: boolean, 
/**
 * Must be true to save with `tls_verify = false`.
 */
tls_insecure_confirmed: boolean, tls_alt_name: string, tls_pin_sha256: string, folder_trash: string, folder_junk: string, folder_sent: string, folder_deleted: string, pop3_delete_after_fetch: boolean, pop3_delete_after_days: number | null, };

/** The port an incoming server uses unless typed by hand (`default_incoming_port`). */
export const DEFAULT_INCOMING_PORTS: Record<Protocol, Record<Security, number>> = {
  imap: { none: 143, starttls: 143, tls: 993, auto: 993 },
  pop3: { none: 110, starttls: 110, tls: 995, auto: 995 },
  imap_download: { none: 143, starttls: 143, tls: 993, auto: 993 },
};

export const DEFAULT_TIMEOUT_SECS = 30;
