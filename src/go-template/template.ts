/** Parsing and rendering entry points: Go's text/template with the functions Vault Agent's consul-template has. */
import type {Tree} from './ast.js'
import {BUILTINS} from './builtins.js'
import {CONSUL_FUNCTIONS} from './consul.js'
import type {MissingKey} from './exec.js'
import {execute} from './exec.js'
import type {GoFunc} from './functions.js'
import type {ParseOptions} from './parser.js'
import {parseTrees} from './parser.js'
import type {TextPositions} from './positions.js'
import {SPRIG_PREFIX, sprigFunction} from './sprig.js'

export interface ParsedTemplate {
  /** The name Go messages use; "" unless given (consul-template names every template ""). */
  readonly name: string
  readonly text: string
  /** The main tree under `name`, plus one per {{define}}/{{block}}. */
  readonly trees: ReadonlyMap<string, Tree>
  readonly positions: TextPositions
}

export interface TemplateParseOptions extends ParseOptions {
  /** Extra function names to accept (they fail if called while rendering). */
  funcs?: Iterable<string>
}

export interface RenderContext {
  /** The root value `.`; Vault Agent renders with none, so `{{ .x }}` at the top level reads nothing. */
  data?: unknown
  /** Reads a secret for `secret "path" "k=v"...`: returns a Vault secret (`{Data: ...}` or Vault's JSON `{data: ...}`)
   * or null when there is none, or throws; the message becomes `error calling secret: <message>`. */
  secret?: (path: string, ...params: string[]) => unknown
  /** Lists keys for `secrets "path"`. */
  listSecrets?: (path: string) => readonly string[]
  /** Answers `pkiCert "pki/issue/ROLE" "k=v"...` with what Vault answers that write (`{data: {certificate, …}}`),
   * or null while it has none; Vault Agent issues the certificate, so a caller gives a recorded answer. */
  pkiCert?: (path: string, data: Readonly<Record<string, string>>) => unknown
  /** Environment seen by `env`, `mustEnv`, `envOrDefault` (the process environment is never read). */
  env?: Record<string, string>
  /** Go's missingkey option. Vault Agent uses `zero`, or `error` with `error-on-missing-key-NAME: "true"`. */
  missingKey?: MissingKey
  /** Clock for `timestamp`. */
  now?: () => Date
}

/** Every function name a Vault Agent template may call: Go's builtins and consul-template's functions. */
export const KNOWN_FUNCTIONS: ReadonlySet<string> = new Set([...BUILTINS.keys(), ...CONSUL_FUNCTIONS.keys()])

function lookupFunction(name: string): GoFunc | undefined {
  if (name.startsWith(SPRIG_PREFIX)) return sprigFunction(name)
  return BUILTINS.get(name) ?? CONSUL_FUNCTIONS.get(name)
}

/** Parses like Go's template.New(name).Funcs(...).Parse(text); throws TemplateSyntaxError with Go's message. */
export function parseTemplate(text: string, options: TemplateParseOptions = {}): ParsedTemplate {
  const extra = new Set(options.funcs ?? [])
  const hasFunction = (name: string): boolean => KNOWN_FUNCTIONS.has(name) || extra.has(name) || (name.startsWith(SPRIG_PREFIX) && sprigFunction(name) !== undefined)
  const {trees, positions} = parseTrees(text, hasFunction, options)
  return {name: options.name ?? '', text, trees, positions}
}

/** Executes a template; throws TemplateExecError with Go's message when execution fails. */
export function renderTemplate(template: ParsedTemplate | string, context: RenderContext = {}): string {
  const parsed = typeof template === 'string' ? parseTemplate(template) : template
  return execute(
    {
      trees: new Map(parsed.trees),
      positions: parsed.positions,
      name: parsed.name,
      funcs: {get: lookupFunction},
      missingKey: context.missingKey ?? 'zero',
      context: {
        secret: context.secret,
        listSecrets: context.listSecrets,
        pkiCert: context.pkiCert,
        env: context.env ?? {},
        now: context.now ?? (() => new Date()),
      },
    },
    context.data,
  )
}
