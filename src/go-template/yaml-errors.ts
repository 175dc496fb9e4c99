/**
 * gopkg.in/yaml.v2's error texts for what the YAML library refuses (messages of yaml.v2's scannerc.go and parserc.go,
 * placed by yaml.go's parser.fail): a scanner error names its 1-based line, a parser error the 0-based line of the
 * problem (libyaml's marks count from 0, and only the scanner's are advanced), and either names none on the first
 * line. At the end of the input the mark is on the line after the last one (libyaml forces a final line break).
 * Only the common cases are mapped; anything else reads as yaml.v2's generic parser error, never the library's words.
 */

/** The parts of the YAML library's error that the mapping reads. */
export interface YamlLibraryError {
  code: string
  message: string
  pos: [number, number]
}

export function yamlV2Error(text: string, error: YamlLibraryError): string {
  const lineOf = (offset: number): number => text.slice(0, offset).split('\n').length - 1
  const at = Math.min(error.pos[0], text.length)
  const scanner = (line: number, message: string): string => `yaml: ${line !== 0 ? `line ${line + 1}: ` : ''}${message}`
  const parser = (line: number, message: string): string => `yaml: ${line !== 0 ? `line ${line}: ` : ''}${message}`
  const endLine = text.endsWith('\n') || text === '' ? lineOf(text.length) : lineOf(text.length) + 1
  const atEnd = at >= text.trimEnd().length
  const flow = /^Flow (sequence|map)/.exec(error.message)
  if (flow !== null && (error.code === 'MISSING_CHAR' || error.code === 'BAD_INDENT')) {
    const expected = flow[1] === 'map' ? "',' or '}'" : "',' or ']'"
    if (!atEnd) return parser(lineOf(at), `did not find expected ${expected}`)
    return parser(endLine, /[[{,]$/.test(text.trimEnd()) ? 'did not find expected node content' : `did not find expected ${expected}`)
  }
  switch (error.code) {
    case 'MISSING_CHAR':
      if (/quote/.test(error.message)) return scanner(lineOf(text.length), 'found unexpected end of stream')
      break
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'MULTILINE_IMPLICIT_KEY': {
      // The scanner stops at the second mapping indicator, from where the library saw the key start.
      const indicator = /:(?=[ \t\n]|$)/g
      indicator.lastIndex = at
      const found = indicator.exec(text)
      return scanner(lineOf(found?.index ?? at), 'mapping values are not allowed in this context')
    }
    case 'TAB_AS_INDENT':
    case 'BAD_SCALAR_START':
      return scanner(lineOf(at), 'found character that cannot start any token')
    case 'BAD_INDENT':
      if (/mapping items/.test(error.message)) return parser(lineOf(at), 'did not find expected key')
      break
    case 'UNEXPECTED_TOKEN':
      if (/at node end/.test(error.message) && /^-[ \t\n]/m.test(text.slice(0, at))) {
        return parser(lineOf(at), "did not find expected '-' indicator")
      }
      break
  }
  return parser(lineOf(at), 'did not find expected node content')
}
