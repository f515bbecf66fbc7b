// UI labels in German and English and the current language. Error messages are not here:
// the backend translates those (see `setLanguage`), so app and CLI say the same thing.
import { setLanguage } from '$lib/backend';
import type { Lang } from '$lib/backend';

const de = {
  'app.name': 'Mailbox Admin',
  'app.language': 'Sprache',
  'app.version': 'Version {version}',
  'app.db': 'Datenbank: {path}',
  'app.schema': 'Schema {version}',
  'app.keyring': 'Schlüsselbund: {name}',
  'app.keyring_missing': 'Kein Schlüsselbund erreichbar – Passwörter können nicht gespeichert werden',
  'app.info_failed': 'Status nicht verfügbar: {message}',
  'app.tabs': 'Bereiche',

  'tab.servers': 'Server',
  'tab.servers.title': 'E-Mail-Server (Posteingang)',
  'tab.outgoing': 'Postausgang',
  'tab.outgoing.title': 'Postausgangsserver',
  'tab.accounts': 'Konten',
  'tab.accounts.title': 'E-Mail-Konten und Postfächer',
  'tab.oauth': 'OAuth',
  'tab.oauth.title': 'OAuth2-Anbieter und Exchange-Verbindungen',
  'tab.calendar': 'Kalender',
  'tab.calendar.title': 'Outlook- und Kalender-Konten',
  'tab.mobile': 'Mobil',
  'tab.mobile.title': 'Mobilgeräte einrichten',
  'tab.settings': 'Einstellungen',
  'tab.settings.title': 'Allgemeine Einstellungen',
  'coming_soon.title': 'Folgt in Kürze',
  'coming_soon.text': 'Dieser Bereich ist in Arbeit.',

  'servers.list': 'E-Mail-Server',
  'servers.search': 'Suche',
  'servers.search_placeholder': 'Name, Server, Benutzer …',
  'servers.new': 'Neuer Server',
  'servers.loading': 'Lädt …',
  'servers.empty': 'Noch keine Server angelegt.',
  'servers.no_match': 'Keine Treffer für „{query}“.',
  'servers.count': '{count} Server',
  'servers.pick': 'Links einen Server auswählen oder mit „Neuer Server“ einen anlegen.',
  'servers.unsaved': 'Es gibt ungespeicherte Änderungen.',
  'servers.discard': 'Verwerfen',
  'servers.keep_editing': 'Weiter bearbeiten',
  'servers.created': 'Server „{name}“ angelegt.',
  'servers.saved': 'Server „{name}“ gespeichert.',
  'servers.deleted': 'Server „{name}“ gelöscht.',
  'servers.reloaded': 'Neu geladen – Ihre nicht gespeicherten Änderungen wurden verworfen.',
  'servers.saved_with_warnings': 'Gespeichert, aber:',

  'form.new_title': 'Neuer Server',
  'form.section.connection': 'Verbindung',
  'form.section.auth': 'Anmeldung',
  'form.section.tls': 'TLS',
  'form.section.folders': 'Ordner',
  'form.section.pop3': 'POP3',

  'field.name': 'Bezeichnung',
  'field.protocol': 'Typ',
  'field.host': 'Server',
  'field.security': 'Verschlüsselung',
  'field.port': 'Port',
  'field.timeout_secs': 'Timeout (Sekunden)',
  'field.auth_method': 'Authentifizierung',
  'field.ntlm_domain': 'NTLM-Domäne',
  'field.login_user': 'Benutzername',
  'field.password': 'Passwort',
  'field.allow_plaintext': 'Passwort unverschlüsselt senden erlauben',
  'field.tls_verify': 'Zertifikat prüfen',
  'field.tls_insecure_confirmed': 'Prüfung wirklich abschalten',
  'field.tls_alt_name': 'Abweichender Common Name',
  'field.tls_pin_sha256': 'Zertifikat-Fingerabdruck (SHA-256)',
  'field.folder_trash': 'Papierkorb',
  'field.folder_junk': 'Spam',
  'field.folder_sent': 'Gesendet',
  'field.folder_deleted': 'Gelöscht',
  'field.pop3_delete_after_fetch': 'Nach Empfang löschen',
  'field.pop3_delete_after_days': 'Nach N Tagen löschen',

  'protocol.imap': 'IMAP',
  'protocol.pop3': 'POP3',
  'protocol.imap_download': 'IMAP-Download',
  'security.none': 'keine',
  'security.starttls': 'STARTTLS',
  'security.tls': 'SSL/TLS',
  'security.auto': 'automatisch',
  'auth.password': 'Passwort',
  'auth.cram_md5': 'CRAM-MD5',
  'auth.oauth2': 'OAuth2',
  'auth.ntlm': 'Windows (NTLM)',

  'hint.name': 'Eindeutiger Name, unter dem Konten diesen Server auswählen.',
  'hint.protocol_new': 'IMAP-Download holt per IMAP ab und löscht danach wie POP3.',
  'hint.protocol_fixed': 'Der Typ ist nach dem Anlegen fest. Für ein anderes Protokoll einen neuen Server anlegen.',
  'hint.host': 'Hostname, IP-Adresse oder „host:port“ – ein angehängter Port wird übernommen.',
  'hint.security_auto': 'Bevorzugt SSL/TLS, sonst STARTTLS – nie stillschweigend unverschlüsselt.',
  'hint.port_derived': 'Standard für {protocol} mit {security}.',
  'hint.port_manual': 'Von Hand eingetragen; bleibt bei Änderungen von Typ und Verschlüsselung erhalten.',
  'port.manual': 'manuell',
  'port.default': 'Standard-Port',
  'warn.plaintext': 'Ohne Verschlüsselung kann jeder im Netzwerk Passwort und E-Mails mitlesen. Nur in abgeschotteten Netzen verwenden.',
  'hint.login_user': 'Für den Servertest ohne Konto.',
  'hint.oauth2': 'Die Anmeldung erfolgt mit einem OAuth2-Token des Kontos – ein Passwort wird nicht verwendet.',
  'hint.password_new': 'Wird im Schlüsselbund des Betriebssystems gespeichert, nie in der Datenbank.',
  'hint.password_keep': 'Leer lassen, um das gespeicherte Passwort zu behalten.',
  'password.state.stored': 'im Schlüsselbund gespeichert',
  'password.state.not_stored': 'nicht gespeichert – bitte erneut eingeben',
  'password.state.none': 'kein Passwort hinterlegt',
  'password.state.label': 'Gespeichertes Passwort:',
  'password.remove': 'Passwort entfernen',
  'password.will_clear': 'Das Passwort wird beim Speichern aus dem Schlüsselbund entfernt.',
  'password.undo': 'Rückgängig',
  'warn.tls_off': 'Zertifikatsprüfung ist aus: Die Verbindung kann unbemerkt abgehört oder umgeleitet werden. Sicherer: die Prüfung eingeschaltet lassen und den Zertifikat-Fingerabdruck (SHA-256) hinterlegen.',
  'hint.tls_confirm': 'Ich habe verstanden, dass ohne Prüfung jedes Zertifikat akzeptiert wird.',
  'hint.tls_alt_name': 'Nur falls das Zertifikat auf einen anderen Namen als den Server ausgestellt ist.',
  'hint.tls_pin': '64 Hexadezimalziffern, Doppelpunkte erlaubt. Die sichere Alternative zum Abschalten der Prüfung.',
  'hint.folders': 'Leer lassen: wird per SPECIAL-USE vom Server erkannt.',
  'hint.pop3_days': 'Leer lassen: nie. 1 bis 3650 Tage.',

  'action.save': 'Speichern',
  'action.saving': 'Speichert …',
  'action.cancel': 'Abbrechen',
  'action.delete': 'Löschen',
  'action.delete_confirm': 'Endgültig löschen',
  'action.reload': 'Neu laden',
  'delete.question': 'Server „{name}“ wirklich löschen? Ein gespeichertes Passwort wird aus dem Schlüsselbund entfernt.',

  'error.check_fields': 'Bitte die markierten Felder korrigieren.',
  'error.required': 'Pflichtfeld: bitte ausfüllen.',
  'error.integer': 'Bitte eine ganze Zahl eingeben.',
  'error.port_range': 'Der Port muss zwischen 1 und 65535 liegen.',
  'error.timeout_range': 'Der Timeout muss zwischen 1 und 600 Sekunden liegen.',
  'error.days_range': 'Die Anzahl der Tage muss zwischen 1 und 3650 liegen.',
  'error.confirm_insecure': 'Das Abschalten der Zertifikatsprüfung muss ausdrücklich bestätigt werden.',
  'error.load_failed': 'Laden fehlgeschlagen: {message}',
} as const;

export type MessageKey = keyof typeof de;
export type Messages = Record<MessageKey, string>;

const en: Messages = {
  'app.name': 'Mailbox Admin',
  'app.language': 'Language',
  'app.version': 'Version {version}',
  'app.db': 'Database: {path}',
  'app.schema': 'schema {version}',
  'app.keyring': 'Keyring: {name}',
  'app.keyring_missing': 'No keyring reachable – passwords cannot be saved',
  'app.info_failed': 'Status not available: {message}',
  'app.tabs': 'Sections',

  'tab.servers': 'Servers',
  'tab.servers.title': 'Incoming mail servers',
  'tab.outgoing': 'Outgoing',
  'tab.outgoing.title': 'Outgoing mail servers',
  'tab.accounts': 'Accounts',
  'tab.accounts.title': 'Mail accounts and mailboxes',
  'tab.oauth': 'OAuth',
  'tab.oauth.title': 'OAuth2 providers and Exchange connections',
  'tab.calendar': 'Calendar',
  'tab.calendar.title': 'Outlook and calendar accounts',
  'tab.mobile': 'Mobile',
  'tab.mobile.title': 'Provisioning of mobile devices',
  'tab.settings': 'Settings',
  'tab.settings.title': 'General settings',
  'coming_soon.title': 'Coming soon',
  'coming_soon.text': 'This section is being built.',

  'servers.list': 'Mail servers',
  'servers.search': 'Search',
  'servers.search_placeholder': 'Name, host, user …',
  'servers.new': 'New server',
  'servers.loading': 'Loading …',
  'servers.empty': 'No servers yet.',
  'servers.no_match': 'Nothing matches "{query}".',
  'servers.count': '{count} servers',
  'servers.pick': 'Pick a server on the left or create one with "New server".',
  'servers.unsaved': 'There are unsaved changes.',
  'servers.discard': 'Discard',
  'servers.keep_editing': 'Keep editing',
  'servers.created': 'Server "{name}" created.',
  'servers.saved': 'Server "{name}" saved.',
  'servers.deleted': 'Server "{name}" deleted.',
  'servers.reloaded': 'Reloaded – your unsaved changes were discarded.',
  'servers.saved_with_warnings': 'Saved, but:',

  'form.new_title': 'New server',
  'form.section.connection': 'Connection',
  'form.section.auth': 'Sign-in',
  'form.section.tls': 'TLS',
  'form.section.folders': 'Folders',
  'form.section.pop3': 'POP3',

  'field.name': 'Name',
  'field.protocol': 'Type',
  'field.host': 'Host',
  'field.security': 'Security',
  'field.port': 'Port',
  'field.timeout_secs': 'Timeout (seconds)',
  'field.auth_method': 'Authentication',
  'field.ntlm_domain': 'NTLM domain',
  'field.login_user': 'User name',
  'field.password': 'Password',
  'field.allow_plaintext': 'Allow sending the password unencrypted',
  'field.tls_verify': 'Verify certificate',
  'field.tls_insecure_confirmed': 'Really turn verification off',
  'field.tls_alt_name': 'Alternative certificate name',
  'field.tls_pin_sha256': 'Certificate fingerprint (SHA-256)',
  'field.folder_trash': 'Trash',
  'field.folder_junk': 'Junk',
  'field.folder_sent': 'Sent',
  'field.folder_deleted': 'Deleted',
  'field.pop3_delete_after_fetch': 'Delete after fetching',
  'field.pop3_delete_after_days': 'Delete after N days',

  'protocol.imap': 'IMAP',
  'protocol.pop3': 'POP3',
  'protocol.imap_download': 'IMAP download',
  'security.none': 'none',
  'security.starttls': 'STARTTLS',
  'security.tls': 'SSL/TLS',
  'security.auto': 'automatic',
  'auth.password': 'Password',
  'auth.cram_md5': 'CRAM-MD5',
  'auth.oauth2': 'OAuth2',
  'auth.ntlm': 'Windows (NTLM)',

  'hint.name': 'A unique name by which accounts pick this server.',
  'hint.protocol_new': 'IMAP download fetches via IMAP, then deletes like POP3.',
  'hint.protocol_fixed': 'The type is fixed after creation. For another protocol, create a new server.',
  'hint.host': 'Host name, IP address or "host:port" – an attached port is taken over.',
  'hint.security_auto': 'Prefers SSL/TLS, else STARTTLS – never silently unencrypted.',
  'hint.port_derived': 'Default for {protocol} with {security}.',
  'hint.port_manual': 'Typed by hand; stays when type or security change.',
  'port.manual': 'manual',
  'port.default': 'Default port',
  'warn.plaintext': 'Without encryption anyone on the network can read the password and the mail. Use only on isolated networks.',
  'hint.login_user': 'Used to test the server without an account.',
  'hint.oauth2': "Sign-in uses the account's OAuth2 token – no password is used.",
  'hint.password_new': "Stored in the operating system's keyring, never in the database.",
  'hint.password_keep': 'Leave empty to keep the stored password.',
  'password.state.stored': 'stored in the keyring',
  'password.state.not_stored': 'not stored – please enter it again',
  'password.state.none': 'no password stored',
  'password.state.label': 'Stored password:',
  'password.remove': 'Remove password',
  'password.will_clear': 'The password will be removed from the keyring on save.',
  'password.undo': 'Undo',
  'warn.tls_off': 'Certificate verification is off: the connection can be intercepted or redirected unnoticed. Safer: keep verification on and pin the certificate fingerprint (SHA-256).',
  'hint.tls_confirm': 'I understand that without verification any certificate is accepted.',
  'hint.tls_alt_name': "Only if the certificate is issued for a name other than the host's.",
  'hint.tls_pin': '64 hexadecimal digits, colons allowed. The safe alternative to turning verification off.',
  'hint.folders': 'Leave empty: detected from the server via SPECIAL-USE.',
  'hint.pop3_days': 'Leave empty: never. 1 to 3650 days.',

  'action.save': 'Save',
  'action.saving': 'Saving …',
  'action.cancel': 'Cancel',
  'action.delete': 'Delete',
  'action.delete_confirm': 'Delete permanently',
  'action.reload': 'Reload',
  'delete.question': 'Really delete server "{name}"? A stored password is removed from the keyring.',

  'error.check_fields': 'Please correct the marked fields.',
  'error.required': 'Required: please fill in.',
  'error.integer': 'Please enter a whole number.',
  'error.port_range': 'The port must be between 1 and 65535.',
  'error.timeout_range': 'The timeout must be between 1 and 600 seconds.',
  'error.days_range': 'The number of days must be between 1 and 3650.',
  'error.confirm_insecure': 'Turning certificate verification off must be confirmed explicitly.',
  'error.load_failed': 'Loading failed: {message}',
};

const dictionaries: Record<Lang, Messages> = { de, en };

export const LANGS: readonly Lang[] = ['de', 'en'];
export const STORAGE_KEY = 'mbadmin.lang';

function isLang(v: unknown): v is Lang {
  return v === 'de' || v === 'en';
}

/** The saved choice, else the OS/browser locale ("de…" → German), else English. */
export function detectLang(): Lang {
  try {
    const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
    if (isLang(saved)) return saved;
  } catch {
    // Storage can be unavailable (privacy settings); fall back to the locale.
  }
  const locale = globalThis.navigator?.language ?? '';
  return locale.toLowerCase().startsWith('de') ? 'de' : 'en';
}

function applyToDocument(lang: Lang) {
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
}

const initial = detectLang();
let current = $state<Lang>(initial);
applyToDocument(initial);

/** The current UI language (reactive). */
export function lang(): Lang {
  return current;
}

/** Translates `key`, replacing `{name}` placeholders from `params`. */
export function t(key: MessageKey, params?: Record<string, string | number>): string {
  let s: string = dictionaries[current][key];
  if (params) {
    for (const [k, v] of Object.entries(params)) s = s.replaceAll(`{${k}}`, String(v));
  }
  return s;
}

/** Switches the UI, remembers the choice and makes backend messages follow. */
export async function changeLang(next: Lang): Promise<void> {
  current = next;
  applyToDocument(next);
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, next);
  } catch {
    // Not remembered across restarts; the switch itself still works.
  }
  await syncBackendLang();
}

/** Tells the backend the UI language; errors are ignored (the UI still works). */
export async function syncBackendLang(): Promise<void> {
  try {
    await setLanguage(current);
  } catch {
    // Backend messages then stay in the backend's own language.
  }
}

/** Follows the OS language reported by the backend, unless the user chose one. */
export function adoptOsLang(os: Lang): void {
  let saved: string | null = null;
  try {
    saved = globalThis.localStorage?.getItem(STORAGE_KEY) ?? null;
  } catch {
    // No storage: nothing was chosen.
  }
  if (isLang(saved) || current === os) return;
  current = os;
  applyToDocument(os);
}

/** For tests: set the language without persisting it. */
export function resetLangForTests(next: Lang = detectLang()): void {
  current = next;
  applyToDocument(next);
}
