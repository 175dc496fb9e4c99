/**
 * Value kinds of injector annotations and how each is checked. `rejected` values make the injector deny the pod
 * (FailedCreate); `agent-fails` values pass the injector but stop Vault Agent at startup; `ignored` values are
 * silently replaced by a default.
 */
import {
  goBoolError,
  goDurationError,
  goFloatError,
  goIntError,
  goUintError,
  jsonPatchError,
  octalModeError,
  quantityError,
  vaultDurationError,
} from './go-parse.js'

export type ValueKind =
  | 'bool'
  | 'bool-lenient'
  | 'int'
  | 'uint'
  | 'float'
  | 'duration'
  | 'quantity'
  | 'template-type'
  | 'json-patch'
  | 'octal-mode'
  | 'vault-duration'
  | 'retries'
  | 'gomaxprocs'
  | 'port'
  | 'cache-token-mode'
  | 'log-level'
  | 'log-format'
  | 'disable-list'
  | 'auth-path'
  | 'abs-path'
  | 'file-path'
  | 'vault-path'
  | 'template'
  | 'list'
  | 'json-or-string'
  | 'string'

export type ValueOutcome = 'rejected' | 'agent-fails' | 'ignored'

export interface ValueProblem {
  outcome: ValueOutcome
  /** What the value should look like, e.g. `a boolean ("true" or "false")`. */
  expected: string
  /** The Go error (or rule) that applies, e.g. `strconv.ParseBool: parsing "yes": invalid syntax`. */
  reason: string
  /** What happens with this value, e.g. "the injector rejects the pod". */
  consequence: string
}

interface KindRule {
  expected: string
  outcome: ValueOutcome
  consequence?: string
  /** Go's error for the value, or undefined when it is accepted. */
  check: (value: string) => string | undefined
}

const CONSEQUENCES: Record<ValueOutcome, string> = {
  rejected: 'the injector rejects the pod (admission denied, FailedCreate)',
  'agent-fails': 'Vault Agent fails to start with it',
  ignored: 'the injector ignores the value',
}

const allowEmpty =
  (check: (value: string) => string | undefined) =>
  (value: string): string | undefined =>
    value === '' ? undefined : check(value)

const oneOf =
  (allowed: readonly string[], normalise: (value: string) => string = (value) => value) =>
  (value: string): string | undefined =>
    allowed.includes(normalise(value)) ? undefined : `${JSON.stringify(value)} is not one of ${allowed.map((item) => JSON.stringify(item)).join(', ')}`

const BOOL_EXPECTED = 'a boolean ("true" or "false")'
const LOG_LEVELS = ['trace', 'debug', 'notice', 'info', 'warn', 'warning', 'err', 'error']
const DISABLE_VALUES = ['auto-auth', 'caching', 'templating', 'proxying']

const KIND_RULES: Partial<Record<ValueKind, KindRule>> = {
  bool: {expected: BOOL_EXPECTED, outcome: 'rejected', check: goBoolError},
  'bool-lenient': {
    expected: BOOL_EXPECTED,
    outcome: 'ignored',
    consequence: 'the injector ignores the parse error and uses false',
    check: goBoolError,
  },
  int: {expected: 'an integer', outcome: 'rejected', check: goIntError},
  uint: {expected: 'a whole number of seconds such as "5" (no unit)', outcome: 'rejected', check: goUintError},
  float: {expected: 'a number such as "0.9"', outcome: 'rejected', check: goFloatError},
  duration: {expected: 'a Go duration such as "1s" or "5m"', outcome: 'rejected', check: allowEmpty(goDurationError)},
  quantity: {expected: 'a Kubernetes quantity such as "250m" or "64Mi"', outcome: 'rejected', check: allowEmpty(quantityError)},
  'template-type': {
    expected: '"map" or "json"',
    outcome: 'rejected',
    check: (value) => (['map', 'json'].includes(value.toLowerCase()) ? undefined : `invalid default template type: ${value}`),
  },
  'json-patch': {expected: 'a JSON patch (an RFC 6902 array of operations)', outcome: 'rejected', check: allowEmpty(jsonPatchError)},
  'octal-mode': {expected: 'an octal file mode such as "0440"', outcome: 'agent-fails', check: allowEmpty(octalModeError)},
  'vault-duration': {expected: 'a duration such as "30s", "5m" or a number of seconds', outcome: 'agent-fails', check: allowEmpty(vaultDurationError)},
  retries: {expected: 'a whole number', outcome: 'agent-fails', check: allowEmpty(goUintError)},
  gomaxprocs: {
    expected: 'a positive whole number',
    outcome: 'ignored',
    consequence: 'the Go runtime ignores an invalid GOMAXPROCS',
    check: allowEmpty((value) => (/^\d+$/.test(value) && Number(value) > 0 ? undefined : `GOMAXPROCS=${value}: not a positive integer`)),
  },
  port: {
    expected: 'a TCP port number (1-65535)',
    outcome: 'agent-fails',
    check: (value) => (/^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= 65_535 ? undefined : `invalid port ${JSON.stringify(value)}`),
  },
  'cache-token-mode': {
    expected: '"true", "false" or "force"',
    outcome: 'agent-fails',
    check: (value) => (value.toLowerCase() === 'force' ? undefined : goBoolError(value)),
  },
  'log-level': {
    expected: 'one of trace, debug, info, warn, error',
    outcome: 'agent-fails',
    check: allowEmpty(oneOf(LOG_LEVELS, (value) => value.trim().toLowerCase())),
  },
  'log-format': {expected: '"standard" or "json"', outcome: 'agent-fails', check: allowEmpty(oneOf(['standard', 'json']))},
  'disable-list': {
    expected: `a comma-separated list of ${DISABLE_VALUES.join(', ')}`,
    outcome: 'agent-fails',
    check: allowEmpty((value) => {
      const unknown = value.split(',').find((item) => !DISABLE_VALUES.includes(item.trim()))
      return unknown === undefined ? undefined : `unknown value ${JSON.stringify(unknown)}`
    }),
  },
  'auth-path': {
    expected: 'the auth mount path including "auth/", e.g. "auth/kubernetes"',
    outcome: 'agent-fails',
    consequence: 'Vault Agent logs in at <auth-path>/login, so the login fails',
    check: (value) => (value.startsWith('auth/') ? undefined : `${JSON.stringify(value)} does not start with "auth/"`),
  },
  'abs-path': {
    expected: 'an absolute directory such as "/vault/secrets"',
    outcome: 'agent-fails',
    consequence: 'the container runtime refuses a relative mount path, so the pod does not start',
    check: allowEmpty((value) => (value.startsWith('/') ? undefined : `${JSON.stringify(value)} is not absolute`)),
  },
}

/** What is wrong with `value` for an annotation of this kind, or undefined if the injector and Agent take it. */
export function checkValue(kind: ValueKind, value: string): ValueProblem | undefined {
  const rule = KIND_RULES[kind]
  const reason = rule?.check(value)
  if (!rule || reason === undefined) return undefined
  return {outcome: rule.outcome, expected: rule.expected, reason, consequence: rule.consequence ?? CONSEQUENCES[rule.outcome]}
}
