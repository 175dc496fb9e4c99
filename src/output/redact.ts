/**
 * Every line vsi prints or logs passes through `redact`: secret values registered at run time, and anything shaped
 * like a credential (Vault tokens, JWTs, bearer headers), are replaced before they can reach a terminal or a CI log.
 */
export const REDACTED = '[redacted]'

const knownSecrets = new Set<string>()
/**
 * knownSecrets longest first, and one pattern telling whether a text holds any of them: made once per registration
 * rather than once per redacted string (`--json` of a 50-app verify redacts about 3,000 strings, nearly all holding
 * none of the 50-100 file contents registered).
 */
let registered: {longestFirst: string[]; anyOf: RegExp} | undefined

/** Values shorter than this are too likely to occur by chance in ordinary text to be masked safely. */
const MIN_SECRET_LENGTH = 4

const credentialPatterns: RegExp[] = [
  // JSON Web Tokens: service account tokens, reviewer JWTs.
  /\beyJ[\w-]{5,}\.eyJ[\w-]{5,}\.[\w-]*/g,
  // Vault service, batch and recovery tokens (current `hvs.`/`hvb.`/`hvr.` and legacy `s.`/`b.`/`r.` forms).
  /\bhv[sbr]\.[\w-]{20,}/g,
  /\b[sbr]\.[A-Za-z0-9]{24}\b/g,
]

const headerPatterns: RegExp[] = [/(authorization:\s*bearer\s+)\S+/gi, /(x-vault-token["']?\s*[:=]\s*["']?)[^\s"',}]+/gi]

export function registerSecret(value: string | undefined): void {
  if (value === undefined || value.length < MIN_SECRET_LENGTH || knownSecrets.has(value)) return
  knownSecrets.add(value)
  registered = undefined
}

function registeredSecrets(): {longestFirst: string[]; anyOf: RegExp} {
  if (!registered) {
    const longestFirst = [...knownSecrets].sort((a, b) => b.length - a.length)
    registered = {longestFirst, anyOf: new RegExp(longestFirst.map((secret) => secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'))}
  }
  return registered
}

export function redact(text: string): string {
  let out = text
  const {longestFirst, anyOf} = registeredSecrets()
  // Longest first, so a secret that contains another is masked whole.
  if (longestFirst.length > 0 && anyOf.test(out)) {
    for (const secret of longestFirst) if (out.includes(secret)) out = out.split(secret).join(REDACTED)
  }
  // Every credential pattern needs a "." and every header pattern a ":" or "=": most strings have none.
  if (out.includes('.')) for (const pattern of credentialPatterns) out = out.replace(pattern, REDACTED)
  if (out.includes(':') || out.includes('=')) for (const pattern of headerPatterns) out = out.replace(pattern, `$1${REDACTED}`)
  return out
}

/** Redacts every string inside a JSON-able value (for `--json` output and debug dumps). */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T
  if (Array.isArray(value)) return value.map((item) => redactDeep(item)) as T
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactDeep(item)])) as T
  }
  return value
}
