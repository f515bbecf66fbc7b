// The words of the window: every message exists in German and English, and the product's
// terms (docs/glossary.json, shared with the core's diagnoses and the CLI) are spelled one
// way in the German messages.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadLang, messagesOf } from './i18n.svelte';

beforeAll(() => loadLang('en'));

type Term = { de: string; en: string; not: string[] };
const glossary = JSON.parse(readFileSync(resolve(__dirname, '../../../docs/glossary.json'), 'utf8')) as {
  terms: Term[];
};

/** The keys of `a` missing in `b`. */
function missing(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): string[] {
  return Object.keys(a).filter((k) => !(k in b));
}

/** Messages that spell a glossary term another way: `key: variant (say term)`. */
function offGlossary(messages: Readonly<Record<string, string>>, terms: readonly Term[]): string[] {
  const out: string[] = [];
  for (const [key, text] of Object.entries(messages)) {
    for (const term of terms) {
      for (const variant of term.not) {
        if (text.includes(variant)) out.push(`${key}: ${variant} (say ${term.de})`);
      }
    }
  }
  return out;
}

describe('messages', () => {
  it('exist in both languages', () => {
    const de = messagesOf('de');
    const en = messagesOf('en');
    expect(missing(de, en)).toEqual([]);
    expect(missing(en, de)).toEqual([]);
    // The check itself notices a key in one language only.
    expect(missing({ ...de, 'only.german': 'x' }, en)).toEqual(['only.german']);
  });

  it('spell every glossary term one way in German', () => {
    expect(glossary.terms.length).toBeGreaterThan(10);
    expect(offGlossary(messagesOf('de'), glossary.terms)).toEqual([]);
    // The check itself notices a second spelling.
    expect(offGlossary({ x: 'Unter „Authentifikation“ wählen' }, glossary.terms)).toEqual([
      'x: Authentifikation (say Authentifizierung)',
    ]);
  });

  it('use the seeds’ terms for the servers', () => {
    const de = messagesOf('de');
    expect(de['tab.servers']).toBe('Posteingang');
    expect(de['servers.list']).toBe('Posteingangsserver');
    expect(de['field.smtp_auth']).toBe('Authentifizierung');
  });
});
