/**
 * Go's regexp (RE2 syntax and semantics: `(?i:…)`, `(?U)`, `\pL`, no backreferences or lookarounds, Go's error
 * texts) through re2js, a port of RE2 for JavaScript; JavaScript's own RegExp is a different language. re2js is
 * loaded on first use: most templates never call a regular expression.
 */
import {createRequire} from 'node:module'

import type {RE2JS} from 're2js'

let engine: typeof RE2JS | undefined

function re2js(): typeof RE2JS {
  engine ??= (createRequire(import.meta.url)('re2js') as {RE2JS: typeof RE2JS}).RE2JS
  return engine
}

/** A compiled Go regular expression, with the methods consul-template and sprig call. */
export interface GoRegexp {
  matchString(text: string): boolean
  /** Regexp.ReplaceAllString: `$1`, `${name}` in `replacement` are expanded. */
  replaceAllString(text: string, replacement: string): string
  /** Regexp.ReplaceAllLiteralString. */
  replaceAllLiteralString(text: string, replacement: string): string
  /** Regexp.FindAllString(text, n): n < 0 for all. */
  findAllString(text: string, n: number): string[]
  /** Regexp.Split(text, n). */
  split(text: string, n: number): string[]
  /** Regexp.FindAllStringSubmatch(text, n): each match with its groups, "" for a group that did not take part. */
  findAllStringSubmatch(text: string, n: number): string[][]
}

/** regexp.Compile: throws with Go's message (`error parsing regexp: invalid escape sequence: \`\1\``). */
export function compileGoRegexp(source: string): GoRegexp {
  let pattern: RE2JS
  try {
    pattern = re2js().compile(source)
  } catch (error) {
    throw new Error((error as Error).message)
  }
  const groups = pattern.groupCount()
  const names = pattern.namedGroups() as Record<string, number>

  /** Every match as Go's allMatches finds them: no empty match right after a previous match. */
  const matches = (text: string, n: number): Array<Array<string | null> & {start: number; end: number}> => {
    const found: Array<Array<string | null> & {start: number; end: number}> = []
    const matcher = pattern.matcher(text)
    let searchPos = 0
    let lastEnd = -1
    while (searchPos <= text.length && (n < 0 || found.length < n)) {
      if (!matcher.find(searchPos)) break
      const start = matcher.start()
      const end = matcher.end()
      if (!(end === start && start === lastEnd)) {
        const values = Array.from({length: groups + 1}, (_, i) => matcher.group(i))
        found.push(Object.assign(values, {start, end}))
      }
      lastEnd = end
      // Advance past this match, always by at least one character.
      const width = (text.codePointAt(searchPos) ?? 0) > 0xffff ? 2 : 1
      searchPos = searchPos + width > end ? searchPos + width : end
    }
    return found
  }

  const replace = (text: string, expand: (match: Array<string | null>) => string): string => {
    let out = ''
    let last = 0
    for (const match of matches(text, -1)) {
      out += text.slice(last, match.start) + expand(match)
      last = match.end
    }
    return out + text.slice(last)
  }

  return {
    matchString: (text) => pattern.matcher(text).find(0),
    replaceAllString: (text, replacement) => replace(text, (match) => expandGoTemplate(replacement, match, names)),
    replaceAllLiteralString: (text, replacement) => replace(text, () => replacement),
    findAllString: (text, n) => matches(text, n).map((match) => match[0] ?? ''),
    findAllStringSubmatch: (text, n) => matches(text, n).map((match) => [...match].map((group) => group ?? '')),
    split: (text, n) => {
      if (n === 0) return []
      if (source.length > 0 && text.length === 0) return ['']
      const parts: string[] = []
      let beg = 0
      for (const match of matches(text, -1)) {
        if (n > 0 && parts.length === n - 1) break
        if (match.end === 0) continue
        parts.push(text.slice(beg, match.start))
        beg = match.end
      }
      parts.push(text.slice(beg))
      return parts
    },
  }
}

/** regexp's Expand: `$1`, `${1}`, `$name`, `${name}` (the longest name), `$$`; unknown or unmatched ones are "". */
function expandGoTemplate(template: string, match: Array<string | null>, names: Record<string, number>): string {
  return template.replace(/\$(\$|\{(\w+)\}|(\w+))/g, (whole, _all, braced?: string, bare?: string) => {
    if (whole === '$$') return '$'
    const name = braced ?? bare!
    const index = /^\d+$/.test(name) ? Number(name) : names[name]
    return (index === undefined ? undefined : match[index]) ?? ''
  })
}
