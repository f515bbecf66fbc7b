#![no_main]
//! `mailbox_admin_core::fuzzing::certificate` (docs/FUZZING.md).

libfuzzer_sys::fuzz_target!(|data: &[u8]| mailbox_admin_core::fuzzing::certificate(data));
