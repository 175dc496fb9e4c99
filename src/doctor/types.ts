/**
 * The `vsi doctor --json` result (inside the vsi/v1 envelope). A check has the shape of a `vsi verify` check
 * (`check`, `status`, `detail`, `failure: {class, reason, hint}`), plus the link of the injection chain it belongs to
 * and a `warn` status. Fields are only ever added, never renamed or removed.
 */

/** The links of the chain, in the order the injection depends on them. */
export type DoctorLink = 'annotations' | 'injector' | 'service-account' | 'vault' | 'policies' | 'secrets' | 'login' | 'pods'

export const LINK_TITLES: Record<DoctorLink, string> = {
  annotations: 'Annotations',
  injector: 'Injector',
  'service-account': 'Service account',
  vault: 'Vault',
  policies: 'Policies',
  secrets: 'Secrets',
  login: 'Login as the app',
  pods: 'Running pods',
}

/** Why a check failed or warns, as a stable class CI can branch on. */
export type DoctorFailureClass =
  | 'annotation-invalid'
  | 'annotations-misplaced'
  | 'injector-missing'
  | 'injector-not-ready'
  | 'pod-not-selected'
  | 'system-namespace'
  | 'service-account-missing'
  | 'token-not-mounted'
  | 'vault-unreachable'
  | 'vault-sealed'
  | 'vault-dev-memory-lost'
  | 'auth-mount'
  | 'auth-config'
  | 'reviewer-jwt'
  | 'issuer'
  | 'role-missing'
  | 'role-binding'
  | 'audience'
  | 'policy-denied'
  | 'secret-missing'
  | 'template-error'
  | 'template-format'
  | 'missing-key'
  | 'login-failed'
  | 'not-injected'
  | 'agent-failed'

export type DoctorCheckId =
  // A whole link that could not be checked (e.g. --offline, no Vault token) is one skipped check named after it.
  | DoctorLink
  | 'annotations-inject'
  | 'annotations-lint'
  | 'injector-webhook'
  | 'injector-service'
  | 'injector-deployment'
  | 'injector-selectors'
  | 'injector-namespace'
  | 'service-account-exists'
  | 'service-account-token'
  | 'vault-status'
  | 'vault-memory'
  | 'auth-mount'
  | 'auth-config'
  | 'reviewer-jwt'
  | 'role'
  | 'role-binding'
  | 'role-audience'
  | 'policy-read'
  | 'secret'
  | 'template-keys'
  | 'login'
  | 'login-capabilities'
  | 'pod-injected'
  | 'pod-agent'

export type DoctorStatus = 'pass' | 'warn' | 'fail' | 'skip'

/** Why a check failed, as `vsi verify` words it: a stable class, one line of what is wrong, one of what to do. */
export interface DoctorFailure {
  class: DoctorFailureClass
  reason: string
  hint: string
}

export interface DoctorCheck {
  check: DoctorCheckId
  link: DoctorLink
  status: DoctorStatus
  /** What the check is about when there is one per item: a Vault path, a template's secret name, a pod. */
  subject?: string
  /** What was seen; for a skipped check, why it could not be checked. */
  detail?: string
  /** With `fail` and `warn`: the cause and the fix. */
  failure?: DoctorFailure
}

export interface DoctorResult {
  /** `deployment/orgchart`, `pod/NAME`, or the manifest file. */
  target: string
  namespace: string
  /** Absent for a patch without a pod spec. */
  serviceAccount?: string
  role?: string
  authPath: string
  offline: boolean
  /** No check failed (warnings and skipped checks do not fail the run). */
  passed: boolean
  summary: {checks: number; passed: number; warnings: number; failed: number; skipped: number; failures: Partial<Record<DoctorFailureClass, number>>}
  checks: DoctorCheck[]
  seconds: number
}
