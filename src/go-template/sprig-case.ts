/**
 * sprig's snakecase, kebabcase and camelcase: huandu/xstrings' ToSnakeCase/ToKebabCase (words split by case, digits,
 * punctuation and connectors `-`, `_`, spaces) and its upper-first camel case (what sprig v3.3.0 calls through
 * ToPascalCase). Invalid UTF-8 cannot occur in JavaScript strings, so xstrings' invalid-word handling is not needed.
 */
import {goToLower, goToUpper, isGoSpace} from './unicode.js'

type WordType = 'number' | 'upper' | 'alphabet' | 'connector' | 'punct' | 'other'

const isConnector = (c: string): boolean => c === '-' || c === '_' || isGoSpace(c)
const isUpper = (c: string): boolean => /^\p{Lu}$/u.test(c)
const isPunct = (c: string): boolean => /^\p{P}$/u.test(c)
const isNumber = (c: string): boolean => /^\p{N}$/u.test(c)
/** xstrings' isAlphabet: a letter outside the CJK ideograph blocks. */
const isAlphabet = (c: string): boolean => /^\p{L}$/u.test(c) && !/^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{2fa1f}]$/u.test(c)

interface Word {
  type: WordType
  text: string
}

/** Splits off the next word: a run of connectors, of punctuation, of digits, a capitalised or lower-case word, or an abbreviation. */
function nextWord(runes: string[], start: number): {word: Word; next: number} {
  const first = runes[start]
  let end = start + 1
  const runWhile = (test: (c: string) => boolean): void => {
    while (end < runes.length && test(runes[end])) end++
  }
  let type: WordType
  if (isConnector(first)) {
    type = 'connector'
    runWhile(isConnector)
  } else if (isPunct(first)) {
    type = 'punct'
    runWhile(isPunct)
  } else if (isUpper(first)) {
    type = 'upper'
    if (end < runes.length && isUpper(runes[end])) {
      // An abbreviation: HTTPServer is HTTP + Server (the last capital starts the next word when a letter follows).
      runWhile(isUpper)
      if (end < runes.length && isAlphabet(runes[end])) end--
    } else if (end < runes.length && isAlphabet(runes[end])) {
      runWhile((c) => isAlphabet(c) && !isUpper(c))
    }
  } else if (isAlphabet(first)) {
    type = 'alphabet'
    runWhile((c) => isAlphabet(c) && !isUpper(c))
  } else if (isNumber(first)) {
    type = 'number'
    runWhile(isNumber)
  } else {
    type = 'other'
    runWhile((c) => !isConnector(c) && !isAlphabet(c) && !isNumber(c) && !isPunct(c))
  }
  return {word: {type, text: runes.slice(start, end).join('')}, next: end}
}

/** Writes a word in lower case; connectors become the connector; other words are written as they are. */
function lowered(word: Word, connector: string): string {
  if (word.type !== 'upper' && word.type !== 'connector') return word.text
  return [...word.text].map((c) => (isConnector(c) ? connector : isUpper(c) ? goToLower(c) : c)).join('')
}

/** xstrings' camelCaseToLowerCase. */
export function toLowerCaseWords(text: string, connector: '_' | '-'): string {
  if (text === '') return ''
  const runes = [...text]
  let at = 0
  const take = (): Word => {
    const {word, next} = nextWord(runes, at)
    at = next
    return word
  }
  const more = (): boolean => at < runes.length
  const joins = (type: WordType): boolean => type !== 'connector' && type !== 'punct'
  let out = ''
  let word = take()
  while (more()) {
    if (word.type !== 'connector') out += lowered(word, connector)
    const previous = word
    word = take()
    if (previous.type === 'number') {
      while (word.type === 'alphabet' || word.type === 'number') {
        out += lowered(word, connector)
        if (!more()) return out
        word = take()
      }
      if (joins(word.type)) out += connector
    } else if (previous.type === 'connector') {
      out += lowered(previous, connector)
    } else if (previous.type !== 'punct') {
      if (word.type !== 'number') {
        if (joins(word.type)) out += connector
        continue
      }
      if (!more()) continue
      const digits = word
      word = take()
      if (word.type !== 'alphabet') {
        out += lowered(digits, connector)
        if (joins(word.type)) out += connector
        continue
      }
      out += connector + lowered(digits, connector)
      while (word.type === 'alphabet' || word.type === 'number') {
        out += lowered(word, connector)
        if (!more()) return out
        word = take()
      }
      if (joins(word.type)) out += connector
    }
  }
  return out + lowered(word, connector)
}

/** Upper camel case: connectors dropped and the rune after them upper-cased; leading and doubled connectors kept. */
export function toPascalCase(text: string): string {
  const runes = [...text]
  let i = 0
  let out = ''
  while (i < runes.length && isConnector(runes[i])) out += runes[i++]
  // Only connectors: xstrings writes the last one a second time.
  if (i === runes.length) return out + (runes.at(-1) ?? '')
  let current = goToUpper(runes[i++])
  for (; i < runes.length; i++) {
    const previous = current
    current = runes[i]
    if (isConnector(current) && isConnector(previous)) {
      out += previous
      continue
    }
    if (isConnector(previous)) current = goToUpper(current)
    else out += previous
  }
  return out + current
}
