//! The one-line summaries of the domain check's steps, in German and English.

use crate::i18n::Lang;

pub fn text(lang: Lang, key: &str, args: &[(&str, String)]) -> String {
    let (de, en) = match key {
        "dns_failed" => ("DNS-Abfrage fehlgeschlagen", "DNS lookup failed"),
        "mx" => ("MX: {list}", "MX: {list}"),
        "mx_none" => ("Kein MX-Eintrag", "No MX record"),
        "mx_null" => (
            "Null-MX: Die Domain nimmt keine Mail an (RFC 7505)",
            "Null MX: the domain accepts no mail (RFC 7505)",
        ),
        "spf" => (
            "{record} – {lookups} von 10 DNS-Abfragen",
            "{record} – {lookups} of 10 DNS lookups",
        ),
        "spf_none" => ("Kein SPF-Eintrag", "No SPF record"),
        "spf_multiple" => ("{count} SPF-Einträge", "{count} SPF records"),
        "spf_invalid" => ("SPF-Eintrag fehlerhaft", "SPF record invalid"),
        "spf_outgoing_pass" => (
            "SPF erlaubt {server}: {results}",
            "SPF allows {server}: {results}",
        ),
        "spf_outgoing_fail" => (
            "SPF erlaubt {server} nicht: {results}",
            "SPF does not allow {server}: {results}",
        ),
        "spf_outgoing_skipped" => (
            "Postausgangsserver nicht geprüft",
            "Outgoing server not checked",
        ),
        "spf_outgoing_unresolved" => ("{host} nicht auflösbar", "{host} does not resolve"),
        "spf_provider_include" => (
            "Anbieter-Server: geprüft wird, ob SPF „include:{include}“ enthält",
            "Provider's server: checked whether SPF holds \"include:{include}\"",
        ),
        "dmarc" => (
            "p={p}, sp={sp}, pct={pct}, Berichte an {rua}",
            "p={p}, sp={sp}, pct={pct}, reports to {rua}",
        ),
        "dmarc_none" => ("Kein DMARC-Eintrag", "No DMARC record"),
        "dmarc_invalid" => ("DMARC-Eintrag fehlerhaft", "DMARC record invalid"),
        "dkim" => ("Schlüssel unter {list}", "Keys at {list}"),
        "dkim_none" => (
            "Kein DKIM-Schlüssel unter den gefragten Selektoren",
            "No DKIM key under the selectors asked",
        ),
        "mta_sts" => (
            "mode {mode}, mx {mx}, max_age {max_age} s",
            "mode {mode}, mx {mx}, max_age {max_age} s",
        ),
        "mta_sts_none" => ("Kein MTA-STS", "No MTA-STS"),
        "mta_sts_invalid" => ("MTA-STS fehlerhaft", "MTA-STS invalid"),
        "mta_sts_unreachable" => (
            "id {id}; Richtlinie nicht abrufbar",
            "id {id}; policy not retrievable",
        ),
        "tls_rpt" => ("Berichte an {rua}", "Reports to {rua}"),
        "tls_rpt_none" => ("Kein TLS-RPT", "No TLS-RPT"),
        "tls_rpt_invalid" => ("TLS-RPT fehlerhaft", "TLS-RPT invalid"),
        "autoconfig" => ("{name} → {ips}", "{name} → {ips}"),
        "autoconfig_none" => ("Kein autoconfig-Name", "No autoconfig name"),
        "srv" => ("{list}", "{list}"),
        "srv_none" => ("Keine SRV-Einträge für Mail", "No SRV records for mail"),
        _ => ("{?}", "{?}"),
    };
    crate::i18n::render(lang, (de, en), args)
}
