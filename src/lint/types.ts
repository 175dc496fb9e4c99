/** The vocabulary shared by the lint rules, the YAML reader and `vsi lint`. */

export type Severity = 'error' | 'warning'

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
}

export interface PodSpecShape {
  containers?: Array<{name?: unknown}>
  initContainers?: Array<{name?: unknown}>
}

/** What a rule reports; the runner adds the file. */
export interface Finding {
  rule: RuleId
  severity: Severity
  message: string
  hint: string
  at: Location
}

export interface LintProblem extends Location {
  file: string
  severity: Severity
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
] as const

export type RuleId = (typeof RULE_IDS)[number]

export type Rule = (target: PodTarget) => Finding[]
