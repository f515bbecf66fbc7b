// What the page needs first: the status line's `app_info` and the first tab's server list.
// The desktop shell hands both to the page in an initialization script
// (`window.__MBADMIN_BOOT__`, src-tauri/src/window.rs), so that the first frame WebKit paints
// already shows them; without it (or after a reload, when that copy is old) they are asked for
// by the page's first script, before the app is mounted, so that they come while it is built.
// Under WebKitGTK's compositor the first frames take 70–200 ms each, and a list answered just
// after one waited for the next (BENCH.md, "Launch"). Each answer is taken once; without a boot
// (component tests) nothing is early.
import { appInfo, listServers } from '$lib/backend';
import type { AppInfo, IncomingServer } from '$lib/backend';

/** An answer asked for early: its value once it came, and the promise either way. */
export type Early<T> = { value?: T; promise: Promise<T> };

let early: { info?: Early<AppInfo>; servers?: Early<IncomingServer[]> } = {};

function track<T>(promise: Promise<T>): Early<T> {
  const e: Early<T> = { promise };
  promise.then(
    (value) => (e.value = value),
    () => {},
  );
  return e;
}

/** What the shell hands to the page; `null` where the core could not answer. */
export type Handed = { info: AppInfo | null; servers: IncomingServer[] | null };

declare global {
  interface Window {
    __MBADMIN_BOOT__?: Handed;
  }
}

/** The shell's answers, unless this page was reloaded (they were read at the window's start). */
function handed(): Handed | undefined {
  const h = window.__MBADMIN_BOOT__;
  delete window.__MBADMIN_BOOT__;
  const nav = performance.getEntriesByType?.('navigation')[0] as PerformanceNavigationTiming | undefined;
  return nav?.type === 'reload' ? undefined : h;
}

function given<T>(value: T): Early<T> {
  return { value, promise: Promise.resolve(value) };
}

/** Takes the shell's answers or asks for them; the promise settles when both came (for tests). */
export function boot(): Promise<unknown> {
  const h = handed();
  const info = h?.info ? given(h.info) : track(appInfo());
  const servers = h?.servers ? given(h.servers) : track(listServers(''));
  early = { info, servers };
  return Promise.allSettled([info.promise, servers.promise]);
}

/** The early `app_info`, once. */
export function takeInfo(): Early<AppInfo> | undefined {
  const e = early.info;
  early.info = undefined;
  return e;
}

/** The early unfiltered server list, once. */
export function takeServers(): Early<IncomingServer[]> | undefined {
  const e = early.servers;
  early.servers = undefined;
  return e;
}
