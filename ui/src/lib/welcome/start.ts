// First launch and the remembered tab: what the window does when it opens.

/** A way to start a new, empty configuration (the welcome panel's choices). */
export type StartWay = 'detect' | 'preset' | 'import' | 'skip';

/** Where the window remembers its last tab. Per database: two configurations (a customer's
 * and a test one) each open where they were left, and a new database opens on its first tab. */
export function lastTabKey(dbPath: string): string {
  return `mbadmin.last-tab:${dbPath}`;
}

export function rememberTab(dbPath: string, tab: string): void {
  try {
    localStorage.setItem(lastTabKey(dbPath), tab);
  } catch {
    // storage full or disabled: the window then opens on its first tab
  }
}

/** The remembered tab if it is one of `tabs`, else null. */
export function rememberedTab<T extends string>(dbPath: string, tabs: readonly T[]): T | null {
  let v: string | null = null;
  try {
    v = localStorage.getItem(lastTabKey(dbPath));
  } catch {
    return null;
  }
  return tabs.find((x) => x === v) ?? null;
}

/** Waits (a bounded number of frames) for `css` to appear, then focuses it. */
export async function focusWhenShown(css: string, frames = 120): Promise<boolean> {
  for (let i = 0; i < frames; i++) {
    const el = document.querySelector<HTMLElement>(css);
    if (el) {
      el.focus();
      return true;
    }
    await new Promise((r) => requestAnimationFrame(() => r(null)));
  }
  return false;
}
