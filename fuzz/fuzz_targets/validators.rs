#![no_main]
//! `mailbox_admin_core::fuzzing::validators` (docs/FUZZING.md).

libfuzzer_sys::fuzz_target!(|data: &[u8]| mailbox_admin_core::fuzzing::validators(data));
