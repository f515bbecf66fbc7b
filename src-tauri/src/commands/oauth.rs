//! OAuth account connections: what the shell adds to the core's connect is opening the
//! browser at the URL the flow reports.

use crate::ipc::{Cx, Events};
use mailbox_admin_core::app::oauth::ConnectEvent;
use tauri_plugin_opener::OpenerExt;

/// Forwards each connect event to the window and opens the browser for `OpenBrowser`.
pub fn forward<'a>(
    cx: &'a Cx,
    events: &'a Events<ConnectEvent>,
) -> impl Fn(ConnectEvent) + Send + Sync + 'a {
    move |e| {
        if let ConnectEvent::OpenBrowser { url } = &e {
            // The window shows the link as well, in case no browser opens.
            let _ = cx.handle().opener().open_url(url, None::<&str>);
        }
        events.send(e);
    }
}
