import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { STORAGE_KEY, changeLang, detectLang, lang, resetLangForTests, t, tn } from './i18n.svelte';
import { api, resetBackend } from '../test/fixtures';

vi.mock('$lib/backend');

beforeEach(() => {
  resetBackend();
  localStorage.clear();
});

afterEach(() => {
  vi.unstubAllGlobals();
});

function stubLocale(language: string) {
  vi.stubGlobal('navigator', { ...navigator, language });
}

describe('detectLang', () => {
  it('uses the saved choice first', () => {
    stubLocale('de-DE');
    localStorage.setItem(STORAGE_KEY, 'en');
    expect(detectLang()).toBe('en');
  });

  it('falls back to a German locale', () => {
    stubLocale('de-AT');
    expect(detectLang()).toBe('de');
  });

  it('else English', () => {
    stubLocale('fr-FR');
    expect(detectLang()).toBe('en');
    localStorage.setItem(STORAGE_KEY, 'xx');
    expect(detectLang()).toBe('en');
  });
});

describe('t', () => {
  it('substitutes placeholders in the current language', () => {
    resetLangForTests('de');
    expect(t('servers.deleted', { name: 'X' })).toBe('Server „X“ gelöscht.');
    resetLangForTests('en');
    expect(t('servers.deleted', { name: 'X' })).toBe('Server "X" deleted.');
  });

  it('changeLang persists and informs the backend', async () => {
    resetLangForTests('de');
    await changeLang('en');
    expect(lang()).toBe('en');
    expect(localStorage.getItem(STORAGE_KEY)).toBe('en');
    expect(api.setLanguage).toHaveBeenCalledWith('en');
  });

  it('changeLang still switches when the backend is unreachable', async () => {
    resetLangForTests('en');
    api.setLanguage.mockRejectedValue(new Error('no tauri'));
    await changeLang('de');
    expect(lang()).toBe('de');
  });
});

describe('tn', () => {
  it('uses the singular form for one, the plural otherwise', () => {
    resetLangForTests('de');
    expect(tn('account.count', 1)).toBe('1 Konto');
    expect(tn('account.count', 3)).toBe('3 Konten');
    expect(tn('account.count', 0)).toBe('0 Konten');
    resetLangForTests('en');
    expect(tn('group.members_count', 1)).toBe('1 member');
    expect(tn('group.members_count', 2)).toBe('2 members');
  });
});

describe('English, a chunk of its own', () => {
  // A fresh copy of the module, as the window starts it: only German is loaded.
  async function fresh(locale: string) {
    stubLocale(locale);
    vi.resetModules();
    return import('./i18n.svelte');
  }

  it('is loaded before the first render when the locale is English', async () => {
    const i18n = await fresh('en-US');
    await i18n.langReady;
    expect(i18n.lang()).toBe('en');
    expect(i18n.t('app.language')).toBe('Language');
  });

  it('is loaded by a switch, and by the OS language the backend reports', async () => {
    let i18n = await fresh('de-DE');
    await i18n.langReady;
    expect(i18n.t('app.language')).toBe('Sprache');
    await i18n.changeLang('en');
    expect(i18n.t('app.language')).toBe('Language');

    localStorage.clear();
    i18n = await fresh('de-DE');
    await i18n.adoptOsLang('en');
    expect(i18n.lang()).toBe('en');
    expect(i18n.t('app.language')).toBe('Language');
  });
});
