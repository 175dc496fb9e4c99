/**
 * The `vsi verify --json` result (inside the vsi/v1 envelope). Fields are only ever added, never renamed or removed.
 */

/** Why a check failed, as a stable class CI can branch on. */
export type FailureClass = 'not-injected' | 'not-ready' | 'file-missing' | 'content-mismatch' | 'exec-failed' | 'timeout'

export const FAILURE_CLASSES: FailureClass[] = ['not-injected', 'not-ready', 'file-missing', 'content-mismatch', 'exec-failed', 'timeout']

export interface CheckFailure {
  class: FailureClass
  /** One line: what is wrong. */
  reason: string
  /** One line: what to do about it. */
  hint: string
}

/** What vsi reports about a rendered file instead of its value. */
export interface ContentSummary {
  bytes: number
  lines: number
  /** The first 12 hex digits of the content's sha256: compare files across pods without revealing them. */
  sha256: string
  /** Only with --show-secrets: the structure of the first lines, with every letter and digit but the first of a run masked. */
  preview?: string
}

export type CheckName = 'injected' | 'agent-init' | 'agent' | 'ready' | 'file' | 'expect'

export interface Check {
  check: CheckName
  status: 'pass' | 'fail' | 'skip'
  /** What was seen, e.g. `vault-agent-init completed`, `182 B, 2 lines, sha256 3f2a9c1b04d2`. */
  detail?: string
  failure?: CheckFailure
  /** file and expect checks: the rendered file's path, the secret's name (annotation suffix) and the container read. */
  file?: string
  secret?: string
  container?: string
  content?: ContentSummary
  /** expect checks: the expectation as given, e.g. `keys username,password`. */
  expectation?: string
}

export interface PodReport {
  pod: string
  ready: boolean
  injected: boolean
  passed: boolean
  checks: Check[]
}

export interface VerifyResult {
  /** What was asked for: `deployment/orgchart`, `pod/NAME` or `-l app=orgchart`. */
  target: string
  namespace: string
  /** The label selector the pods were found with, when there was one. */
  selector?: string
  passed: boolean
  summary: {pods: number; checks: number; passed: number; failed: number; skipped: number; failures: Partial<Record<FailureClass, number>>}
  pods: PodReport[]
  seconds: number
}
