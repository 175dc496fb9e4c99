/**
 * The patch file as the tutorial writes it (patch-inject-secrets.yaml): nested block maps, two-space indents, every
 * value a double-quoted string, and multi-line values (templates) as literal block scalars. Written by hand rather
 * than with a YAML library so the bytes are exactly the tutorial's and plain `vsi patch` loads no YAML code.
 */

const INDENT = '  '

/** Characters YAML does not allow raw in a scalar (or that readers may take for line breaks): escaped when quoted. */
const UNSAFE_IN_QUOTES = /[\u007f-\u009f\u2028\u2029\ufeff\ud800-\udfff]/gu

/** A YAML double-quoted scalar: JSON's escapes are a subset of YAML's. */
export function doubleQuoted(value: string): string {
  return JSON.stringify(value).replaceAll(UNSAFE_IN_QUOTES, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** Anything a literal block scalar cannot carry verbatim: control characters (tab aside), CR, and the like. */
// eslint-disable-next-line no-control-regex
const NOT_LITERAL_SAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff\ud800-\udfff]/u

/**
 * A multi-line value as `|`, `|-` or `|+` so that it reads back exactly, final newlines included; undefined when a
 * block scalar cannot hold it verbatim (the caller then double-quotes it). A first line starting with a space would
 * need an indentation indicator; such values are rare enough to be quoted instead.
 */
function literalBlock(value: string, indent: string): string | undefined {
  if (!value.includes('\n') || NOT_LITERAL_SAFE.test(value) || /^[ \t]|^\n/.test(value)) return undefined
  const body = value.replace(/\n+$/, '')
  const trailing = value.length - body.length
  const chomping = trailing === 0 ? '-' : trailing === 1 ? '' : '+'
  const lines = body.split('\n').map((line) => (line === '' ? '' : `${indent}${line}`))
  // Keep-chomping keeps the extra final newlines as empty lines.
  return [`|${chomping}`, ...lines, ...Array.from({length: Math.max(0, trailing - 1)}, () => '')].join('\n')
}

/** Annotation keys are qualified names, plain in YAML; anything else is quoted to be safe. */
const PLAIN_KEY = /^[A-Za-z0-9][-A-Za-z0-9_./]*$/

/** `key: "value"` lines (a template's lines below its key), indented by `indent`; `unit` is one more level. */
export function annotationLines(annotations: Record<string, string>, indent: string, unit = INDENT): string[] {
  return Object.entries(annotations).map(([name, value]) => `${indent}${PLAIN_KEY.test(name) ? name : doubleQuoted(name)}: ${literalBlock(value, indent + unit) ?? doubleQuoted(value)}`)
}

/** The maps of `path`, nested from `indent`, holding the annotations: lines without line ends. */
export function nestedLines(path: readonly string[], annotations: Record<string, string>, indent = '', unit = INDENT): string[] {
  const lines = path.map((segment, depth) => `${indent}${unit.repeat(depth)}${segment}:`)
  return [...lines, ...annotationLines(annotations, indent + unit.repeat(path.length), unit)]
}

/** `spec.template.metadata.annotations` (or any path) holding these annotations, as YAML text ending with a newline. */
export function patchYaml(path: readonly string[], annotations: Record<string, string>): string {
  return `${nestedLines(path, annotations).join('\n')}\n`
}
