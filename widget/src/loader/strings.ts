// The loader's own few words, in both languages. They live apart from the frame's catalogs so
// that the loader stays within its 5 KB budget; the catalog test checks both have the same keys.

export const kLoaderStrings = {
  bg: {
    launcher: 'Чат за подкрепа',
    frameTitle: 'Чат за подкрепа',
  },
  en: {
    launcher: 'Support chat',
    frameTitle: 'Support chat',
  },
} as const;

export type LoaderLanguage = keyof typeof kLoaderStrings;
