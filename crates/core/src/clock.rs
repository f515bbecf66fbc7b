//! Time as the crate writes it: RFC 3339 in UTC, in the database, the test history and
//! the exports. A leaf module.

/// The current time as stored in `created_at`/`updated_at` (RFC 3339, UTC).
pub fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Seconds since 1970 (UTC).
pub fn unix_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}
