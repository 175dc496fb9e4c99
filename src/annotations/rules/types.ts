/** The vocabulary shared by the lint rules, the YAML reader and `vsi lint`. */

export type Severity = 'error' | 'warning'

/**
 * What the Vault Agent Injector (and the API server after it) does with the pod a finding is about:
 * - `refuses`: the webhook denies the pod (FailedCreate);
 * - `api-server-refuses`: the API server rejects the object, or the pod as the injector mutated it;
 * - `admits-differently`: admitted, but a value is dropped, defaulted or means something else than it reads;
 * - `ignores`: admitted; the injector silently ignores the annotation (or does not inject the pod at all);
 * - `admits`: admitted and injected as written; the problem shows later, in Vault Agent or Vault.
 */
export type InjectorBehaviour = 'refuses' | 'api-server-refuses' | 'admits-differently' | 'ignores' | 'admits'

export interface Location {
  /** 1-based. */
  line: number
  /** 1-based. */
  col: number
}

/** One annotation as written in the manifest. */
export interface AnnotationEntry {
  key: string
  /** The value the annotation would carry: the string, '' for an empty value, the YAML source text for non-strings. */
  value: string
  /** The YAML type when the value is not a string (the API server rejects the object then), e.g. 'boolean'. */
  nonStringType?: 'boolean' | 'number' | 'map' | 'sequence' | 'other'
  keyAt: Location
  valueAt: Location
  /** Where a 1-based position inside the value is in the file, when that can be told exactly. */
  positionInValue: (line: number, col: number) => Location | undefined
}

/** A pod template (or a Pod) whose annotations the injector reads, with its surroundings. */
export interface PodTarget {
  /** The workload kind; undefined for a patch document that has no `kind`. */
  kind?: string
  /** The pod's annotations: what the injector sees. */
  annotations: AnnotationEntry[]
  /** Where problems about missing annotations are reported (the annotations map, or the template's metadata). */
  anchor: Location
  /** Annotations on the workload's own metadata (not the pod's); empty for a Pod. */
  workloadAnnotations: AnnotationEntry[]
  /** The pod spec as plain data, when the document has one. */
  podSpec?: PodSpecShape
  /** metadata.namespace of the object, when written: the namespace the pods are created in. */
  namespace?: string
}

/** A container as written (plain data: any field may be missing or of the wrong type). */
export interface ContainerShape {
  name?: unknown
  securityContext?: {runAsUser?: unknown} | null
  volumeMounts?: Array<{name?: unknown; mountPath?: unknown}>
}

export interface PodSpecShape {
  containers?: ContainerShape[]
  initContainers?: ContainerShape[]
  volumes?: Array<{name?: unknown; projected?: {sources?: Array<{serviceAccountToken?: {path?: unknown} | null}>} | null}>
  automountServiceAccountToken?: unknown
  shareProcessNamespace?: unknown
}

/** What a rule reports; the runner adds the file. */
export interface Finding {
  rule: RuleId
  severity: Severity
  injector: InjectorBehaviour
  message: string
  hint: string
  at: Location
}

export interface LintProblem extends Location {
  file: string
  severity: Severity
  injector: InjectorBehaviour
  rule: RuleId
  message: string
  hint: string
}

export interface LintResult {
  files: string[]
  problems: LintProblem[]
  errorCount: number
  warningCount: number
}

export const RULE_IDS = [
  'unknown-annotation',
  'invalid-key',
  'annotations-too-large',
  'non-string-value',
  'invalid-value',
  'runtime-invalid-value',
  'secret-name-collision',
  'file-path-escapes',
  'orphan-secret-option',
  'blank-secret',
  'template-without-secret',
  'annotations-on-workload',
  'injected-status',
  'job-needs-pre-populate-only',
  'injection-not-enabled',
  'missing-role',
  'unknown-container',
  'template-syntax',
  'template-path-mismatch',
  'kv2-data-path',
  'injector-refuses',
  'api-server-refuses',
  'agent-runs-as-root',
  'telemetry-dropped',
] as const

export type RuleId = (typeof RULE_IDS)[number]

export type Rule = (target: PodTarget) => Finding[]
