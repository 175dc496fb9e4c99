/**
 * The parts of busybox `ash` (busybox shell/ash.c) that people type into `kubectl exec … -- /bin/sh`: lists with
 * `;`, newlines, `&&`, `||`; pipes; `>`, `>>`, `<`, `2>`, `2>&1`; here-documents (`<<EOF`, `<<'EOF'`, `<<-EOF`);
 * quotes, `\` line continuation and `#` comments; `$VAR`, `${VAR}`, `$?`, `$(…)`; `NAME=value` and `export`.
 * Expansion happens when a command runs, so an assignment or `$?` is seen by the commands after it.
 */

export type Token = {word: string} | {op: string; heredoc?: HereDoc}

export interface HereDoc {
  delimiter: string
  /** a quoted delimiter (`<<'EOF'`) leaves the body unexpanded */
  quoted: boolean
  stripTabs: boolean
  body: string
}

const OPERATORS = ['&&', '||', '2>&1', '2>>', '2>', '>>', '<<-', '<<', ';', '|', '>', '<', '\n']

/** Splits a script into raw words (quotes kept, expanded later) and operators; here-document bodies are attached. */
export function lex(script: string): Token[] {
  const tokens: Token[] = []
  const pending: HereDoc[] = []
  let word: string | undefined
  let i = 0
  const flush = () => {
    if (word !== undefined) tokens.push({word})
    word = undefined
  }
  /** index just past the `)` closing the `$(` that starts at `start` */
  const closeParen = (start: number): number => {
    let depth = 0
    for (let j = start; j < script.length; j++) {
      const ch = script[j]
      if (ch === "'") j = script.indexOf("'", j + 1) < 0 ? script.length : script.indexOf("'", j + 1)
      else if (ch === '\\') j++
      else if (ch === '(') depth++
      else if (ch === ')' && --depth === 0) return j + 1
    }
    return script.length
  }
  const readHereDocs = () => {
    for (const doc of pending.splice(0)) {
      const lines: string[] = []
      for (;;) {
        if (i >= script.length) break
        const end = script.indexOf('\n', i)
        let line = script.slice(i, end < 0 ? undefined : end)
        i = end < 0 ? script.length : end + 1
        if (doc.stripTabs) line = line.replace(/^\t+/, '')
        if (line === doc.delimiter) break
        lines.push(line + '\n')
      }
      doc.body = lines.join('')
    }
  }
  while (i < script.length) {
    const ch = script[i]
    if (ch === '\\' && script[i + 1] === '\n') {
      i += 2
    } else if (ch === "'") {
      const end = script.indexOf("'", i + 1)
      const stop = end < 0 ? script.length : end + 1
      word = (word ?? '') + script.slice(i, stop)
      i = stop
    } else if (ch === '"') {
      let j = i + 1
      while (j < script.length && script[j] !== '"') {
        if (script[j] === '\\') j += 2
        else if (script.startsWith('$(', j)) j = closeParen(j + 1)
        else j++
      }
      word = (word ?? '') + script.slice(i, j + 1)
      i = j + 1
    } else if (ch === '\\') {
      word = (word ?? '') + script.slice(i, i + 2)
      i += 2
    } else if (ch === '$' && script[i + 1] === '(') {
      const stop = closeParen(i + 1)
      word = (word ?? '') + script.slice(i, stop)
      i = stop
    } else if (ch === '#' && word === undefined) {
      while (i < script.length && script[i] !== '\n') i++
    } else if (ch === ' ' || ch === '\t' || ch === '\r') {
      flush()
      i++
    } else {
      // `2>` is a redirection only where a word starts (`a2>x` is the word a2 redirected)
      const op = OPERATORS.find((o) => script.startsWith(o, i) && (!o.startsWith('2') || word === undefined))
      if (!op) {
        word = (word ?? '') + ch
        i++
        continue
      }
      flush()
      i += op.length
      if (op === '<<' || op === '<<-') {
        while (script[i] === ' ' || script[i] === '\t') i++
        const m = /^(?:'([^']*)'|"([^"]*)"|([^\s;&|<>]+))/.exec(script.slice(i)) ?? ['', undefined, undefined, '']
        i += m[0].length
        const delimiter = (m[1] ?? m[2] ?? m[3] ?? '').replace(/\\/g, '')
        const doc: HereDoc = {delimiter, quoted: m[1] !== undefined || m[2] !== undefined || (m[3] ?? '').includes('\\'), stripTabs: op === '<<-', body: ''}
        pending.push(doc)
        tokens.push({op: '<<', heredoc: doc})
      } else if (op === '\n') {
        tokens.push({op: ';'})
        readHereDocs()
      } else tokens.push({op})
    }
  }
  flush()
  readHereDocs()
  return tokens
}

export interface Expander {
  vars: Record<string, string>
  status: number
  /** runs a command substitution and returns its output */
  substitute(script: string): Promise<string>
}

/** Expands one raw word: quotes removed, parameters and command substitutions replaced (no field splitting). */
export async function expandWord(raw: string, x: Expander): Promise<string> {
  let out = ''
  let i = 0
  while (i < raw.length) {
    const ch = raw[i]
    if (ch === "'") {
      const end = raw.indexOf("'", i + 1)
      out += raw.slice(i + 1, end < 0 ? undefined : end)
      i = end < 0 ? raw.length : end + 1
    } else if (ch === '"') {
      i++
      while (i < raw.length && raw[i] !== '"') {
        if (raw[i] === '\\' && '"\\$`\n'.includes(raw[i + 1])) {
          out += raw[i + 1]
          i += 2
        } else if (raw[i] === '$') {
          const r = await expandDollar(raw, i, x)
          out += r.text
          i = r.next
        } else out += raw[i++]
      }
      i++
    } else if (ch === '\\') {
      out += raw[i + 1] ?? ''
      i += 2
    } else if (ch === '$') {
      const r = await expandDollar(raw, i, x)
      out += r.text
      i = r.next
    } else out += raw[i++]
  }
  return out
}

/** A here-document body: parameters and substitutions expand unless the delimiter was quoted; quotes stay. */
export async function expandHereDoc(doc: HereDoc, x: Expander): Promise<string> {
  if (doc.quoted) return doc.body
  let out = ''
  let i = 0
  while (i < doc.body.length) {
    if (doc.body[i] === '\\' && '$`\\\n'.includes(doc.body[i + 1])) {
      out += doc.body[i + 1] === '\n' ? '' : doc.body[i + 1]
      i += 2
    } else if (doc.body[i] === '$') {
      const r = await expandDollar(doc.body, i, x)
      out += r.text
      i = r.next
    } else out += doc.body[i++]
  }
  return out
}

async function expandDollar(s: string, i: number, x: Expander): Promise<{text: string; next: number}> {
  const rest = s.slice(i + 1)
  if (rest.startsWith('(')) {
    let depth = 0
    let j = i + 1
    for (; j < s.length; j++) {
      if (s[j] === '(') depth++
      else if (s[j] === ')' && --depth === 0) break
    }
    // command substitution removes trailing newlines (POSIX 2.6.3)
    return {text: (await x.substitute(s.slice(i + 2, j))).replace(/\n+$/, ''), next: j + 1}
  }
  if (rest.startsWith('?')) return {text: String(x.status), next: i + 2}
  const braced = /^\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(rest)
  if (braced) return {text: x.vars[braced[1]] ?? '', next: i + 1 + braced[0].length}
  const plain = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest)
  if (plain) return {text: x.vars[plain[0]] ?? '', next: i + 1 + plain[0].length}
  return {text: '$', next: i + 1}
}
