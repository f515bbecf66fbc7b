#![no_main]
//! `mailbox_admin_core::fuzzing::smtp` (docs/FUZZING.md).

libfuzzer_sys::fuzz_target!(|data: &[u8]| mailbox_admin_core::fuzzing::smtp(data));
