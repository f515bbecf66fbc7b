#![no_main]
//! `mailbox_admin_core::fuzzing::autoconfig` (docs/FUZZING.md).

libfuzzer_sys::fuzz_target!(|data: &[u8]| mailbox_admin_core::fuzzing::autoconfig(data));
