/**
 * Go's strings.ToUpper/ToLower/TrimSpace and golang.org/x/text's cases.Title, which work rune by rune with
 * Unicode's simple case mappings: no special casing (`straße` → `STRAßE`), no final sigma, `İ` lowers to `i`.
 */

import {normalizeGoString} from './bytes.js'

/** unicode.IsSpace: the ASCII spaces, U+0085, U+00A0 and the Z category's space separators. */
const GO_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/

export function isGoSpace(char: string): boolean {
  return GO_SPACE.test(char)
}

/** strings.TrimSpace */
export function goTrimSpace(text: string): string {
  const chars = [...text]
  let start = 0
  let end = chars.length
  while (start < end && isGoSpace(chars[start])) start++
  while (end > start && isGoSpace(chars[end - 1])) end--
  return chars.slice(start, end).join('')
}

/** Simple mappings JavaScript only offers as full (multi-character) ones. */
const SIMPLE_LOWER: Record<string, string> = {'\u0130': 'i'}

function mapRunes(text: string, full: (char: string) => string, simple: Record<string, string> = {}): string {
  let out = ''
  for (const char of normalizeGoString(text)) {
    // strings.Map decodes an invalid byte as utf8.RuneError and writes that (bytes.ts keeps such bytes as U+DCxx).
    if (char >= '\udc80' && char <= '\udcff') {
      out += '\uFFFD'
      continue
    }
    const mapped = simple[char] ?? full(char)
    // A rune without a one-rune mapping stays as it is (unicode.ToUpper('ß') is 'ß').
    out += [...mapped].length === 1 ? mapped : char
  }
  return out
}

/** strings.ToUpper */
export function goToUpper(text: string): string {
  return mapRunes(text, (char) => char.toUpperCase())
}

/** strings.ToLower */
export function goToLower(text: string): string {
  return mapRunes(text, (char) => char.toLowerCase(), SIMPLE_LOWER)
}

/** Title-case mappings that differ from upper case (Unicode's titlecase digraphs and SpecialCasing titles). */
const TITLE: Record<string, string> = {
  ǆ: 'ǅ', Ǆ: 'ǅ', ǅ: 'ǅ', ǉ: 'ǈ', Ǉ: 'ǈ', ǈ: 'ǈ', ǌ: 'ǋ', Ǌ: 'ǋ', ǋ: 'ǋ', ǳ: 'ǲ', Ǳ: 'ǲ', ǲ: 'ǲ',
  ß: 'Ss', ﬀ: 'Ff', ﬁ: 'Fi', ﬂ: 'Fl', ﬃ: 'Ffi', ﬄ: 'Ffl', ﬅ: 'St', ﬆ: 'St', ŉ: 'ʼN',
}

const isCased = (char: string): boolean => char.toUpperCase() !== char.toLowerCase()

/**
 * cases.Title(language.Und, cases.NoLower) as consul-template's toTitle calls it: the first cased rune of each
 * word is title-cased, the rest left alone. Words are letters, marks, digits and `_`, joined by `'` `’` `.` `:`.
 */
export function goToTitle(text: string): string {
  return text.replace(/[\p{L}\p{M}\p{N}_]+(?:['’.:][\p{L}\p{M}\p{N}_]+)*/gu, (word) => {
    const chars = [...word]
    const first = chars.findIndex(isCased)
    if (first < 0) return word
    chars[first] = TITLE[chars[first]] ?? chars[first].toUpperCase()
    return chars.join('')
  })
}
