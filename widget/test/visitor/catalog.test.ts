import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kLoaderStrings } from '../../src/loader/strings';
import { kCatalogs, kLanguages, translate, type CatalogValue, type MessageKey } from '../../src/visitor/i18n/catalog';

const placeholders = (value: CatalogValue): string[] => {
  const texts = typeof value === 'string' ? [value] : Object.values(value);
  return [...new Set(texts.flatMap((text) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!)))].sort();
};

test('both catalogs have exactly the same keys', () => {
  const bg = Object.keys(kCatalogs.bg).sort();
  const en = Object.keys(kCatalogs.en).sort();
  assert.deepEqual(en, bg);
  assert.ok(bg.length > 50);
});

test('every entry is non-empty, has the same placeholders in both languages, and the same kind', () => {
  for (const key of Object.keys(kCatalogs.bg) as MessageKey[]) {
    const bg = kCatalogs.bg[key];
    const en = kCatalogs.en[key];
    assert.equal(typeof bg, typeof en, key);
    assert.deepEqual(placeholders(en), placeholders(bg), key);
    for (const value of [bg, en]) {
      const texts = typeof value === 'string' ? [value] : Object.values(value);
      for (const text of texts) assert.ok(text.trim().length > 0, key);
    }
  }
});

test('plural entries cover every plural category of their language and use {count}', () => {
  for (const language of kLanguages) {
    const categories = new Intl.PluralRules(language).resolvedOptions().pluralCategories;
    for (const [key, value] of Object.entries(kCatalogs[language])) {
      if (typeof value === 'string') continue;
      for (const category of categories) {
        const form = (value as Record<string, string>)[category];
        assert.ok(form !== undefined, `${language} ${key} lacks "${category}"`);
        assert.ok(form.includes('{count}'), `${language} ${key} ${category}`);
      }
    }
  }
});

test('plurals choose the right form and numbers are formatted for the language', () => {
  assert.equal(translate('bg', 'queue.ahead', { count: 1 }), 'Пред теб има 1 човек.');
  assert.equal(translate('bg', 'queue.ahead', { count: 4 }), 'Пред теб има 4 души.');
  assert.equal(translate('en', 'queue.ahead', { count: 1 }), 'There is 1 person ahead of you.');
  assert.equal(translate('en', 'queue.ahead', { count: 2 }), 'There are 2 people ahead of you.');
  assert.equal(translate('bg', 'queue.estimate', { count: 1 }), 'Ще чакаш около 1 минута.');
  assert.equal(translate('bg', 'queue.estimate', { count: 5 }), 'Ще чакаш около 5 минути.');
  assert.equal(translate('en', 'chat.verified', { org: 'Убежище' }), 'Verified by Убежище');
  assert.throws(() => translate('bg', 'queue.ahead'), RangeError);
});

test('Bulgarian strings are Cyrillic, not English left untranslated', () => {
  const allowedLatin = new Set<MessageKey>(['app.otherLanguage', 'app.otherLanguageLabel', 'prechat.languageEn', 'notice.exitKeyboard']);
  for (const [key, value] of Object.entries(kCatalogs.bg) as [MessageKey, CatalogValue][]) {
    if (allowedLatin.has(key)) continue;
    const texts = typeof value === 'string' ? [value] : Object.values(value);
    for (const text of texts) {
      const stripped = text.replace(/\{\w+\}/g, '');
      assert.ok(!/[A-Za-z]{3,}/.test(stripped), `bg ${key} has Latin words: ${text}`);
    }
  }
});

test('the loader has the same strings in both languages', () => {
  assert.deepEqual(Object.keys(kLoaderStrings.en).sort(), Object.keys(kLoaderStrings.bg).sort());
});
