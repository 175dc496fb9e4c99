import type {KubeObject} from './types.js'

import {errors} from './errors.js'
import {QUALIFIED_NAME, qualifiedNameErrors} from './validation.js'

type Requirement = {key: string; op: 'in' | 'notin' | 'exists' | '!' | '=' | '!=' | 'gt' | 'lt'; values: string[]}

/*
 * labels.Parse (kubernetes/apimachinery v0.32.0 pkg/labels/selector.go): its lexer, its recursive descent parser and
 * NewRequirement's validation, with their error texts; the handler answers a parse error with 400 BadRequest
 * carrying the text as is (ParameterCodec.DecodeParameters in get.go ListResource).
 */
type Token = 'end' | ')' | ',' | '!' | '==' | '=' | '>' | 'in' | '<' | '!=' | 'notin' | '(' | 'id'
const SYMBOLS: Record<string, Token> = {')': ')', ',': ',', '!': '!', '==': '==', '=': '=', '>': '>', '<': '<', '!=': '!=', '(': '('}
const isWhitespace = (ch: string) => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n'
const isSpecial = (ch: string) => '=!(),><'.includes(ch)

function lex(selector: string): Array<{tok: Token; lit: string}> {
  const items: Array<{tok: Token; lit: string}> = []
  let pos = 0
  for (;;) {
    while (pos < selector.length && isWhitespace(selector[pos])) pos++
    if (pos >= selector.length) {
      items.push({tok: 'end', lit: ''})
      return items
    }
    if (isSpecial(selector[pos])) {
      // scanSpecialSymbol: the longest run of symbols that is still a token
      let buffer = ''
      let last: {tok: Token; lit: string} | undefined
      while (pos < selector.length && isSpecial(selector[pos])) {
        buffer += selector[pos]
        if (SYMBOLS[buffer]) last = {tok: SYMBOLS[buffer], lit: buffer}
        else if (last) break
        pos++
      }
      items.push(last!)
    } else {
      let buffer = ''
      while (pos < selector.length && !isSpecial(selector[pos]) && !isWhitespace(selector[pos])) buffer += selector[pos++]
      items.push({tok: buffer === 'in' || buffer === 'notin' ? buffer : 'id', lit: buffer})
    }
  }
}

/** field.ErrorList.ToAggregate().Error(): one message as is, several deduplicated in brackets. */
const aggregate = (messages: string[]) => {
  const unique = [...new Set(messages)]
  return unique.length === 1 ? unique[0] : `[${unique.join(', ')}]`
}
const goQuote = (v: string) => JSON.stringify(v)
const goStrings = (vs: string[]) => `[]string{${vs.map(goQuote).join(', ')}}`

const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"

/** NewRequirement's checks: the key, the number of values per operator, Gt/Lt integers, each value a label value. */
function newRequirement(key: string, op: Requirement['op'], values: string[]): Requirement {
  const errs: string[] = []
  const keyErrors = qualifiedNameErrors(key)
  if (keyErrors.length) errs.push(`key: Invalid value: ${goQuote(key)}: ${keyErrors.join('; ')}`)
  if ((op === 'in' || op === 'notin') && !values.length) errs.push(`values: Invalid value: ${goStrings(values)}: for 'in', 'notin' operators, values set can't be empty`)
  if ((op === '=' || op === '!=') && values.length !== 1) errs.push(`values: Invalid value: ${goStrings(values)}: exact-match compatibility requires one single value`)
  if (op === 'gt' || op === 'lt') {
    if (values.length !== 1) errs.push(`values: Invalid value: ${goStrings(values)}: for 'Gt', 'Lt' operators, exactly one value is required`)
    values.forEach((v, i) => {
      if (!/^[+-]?\d+$/.test(v) || BigInt(v) > 2n ** 63n - 1n || BigInt(v) < -(2n ** 63n)) errs.push(`values[${i}]: Invalid value: ${goQuote(v)}: for 'Gt', 'Lt' operators, the value must be an integer`)
    })
  }
  values.forEach((v, i) => {
    const bad: string[] = []
    if (v.length > 63) bad.push('must be no more than 63 characters')
    if (v && !QUALIFIED_NAME.test(v)) bad.push(LABEL_VALUE_MSG)
    if (bad.length) errs.push(`values[${i}][${key}]: Invalid value: ${goQuote(v)}: ${bad.join('; ')}`)
  })
  if (errs.length) throw new Error(aggregate(errs))
  return {key, op, values}
}

/** Parses a label selector string as labels.Parse does: `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a)`, `k`, `!k`, `k>1`, `k<1`. */
export function parseLabelSelector(selector: string): Requirement[] {
  try {
    return parseRequirements(lex(selector))
  } catch (error) {
    throw errors.badRequest((error as Error).message)
  }
}

function parseRequirements(items: Array<{tok: Token; lit: string}>): Requirement[] {
  let position = 0
  // in the Values context `in` and `notin` are identifiers
  const asValue = (t: Token): Token => (t === 'in' || t === 'notin' ? 'id' : t)
  const lookahead = () => ({tok: asValue(items[position].tok), lit: items[position].lit})
  const consume = (values = true) => {
    const item = items[position++]
    return {tok: values ? asValue(item.tok) : item.tok, lit: item.lit}
  }
  const requirement = (): Requirement => {
    let op: Requirement['op'] | undefined
    let {tok, lit} = consume()
    if (tok === '!') {
      op = '!'
      ;({tok, lit} = consume())
    }
    if (tok !== 'id') throw new Error(`found '${lit}', expected: identifier`)
    const keyErrors = qualifiedNameErrors(lit)
    if (keyErrors.length) throw new Error(`<nil>: Invalid value: ${goQuote(lit)}: ${keyErrors.join('; ')}`)
    const key = lit
    const next = lookahead().tok
    if (next === 'end' || next === ',') return newRequirement(key, op ?? 'exists', [])
    const operator = consume(false)
    const ops: Partial<Record<Token, Requirement['op']>> = {in: 'in', '=': '=', '==': '=', '>': 'gt', '<': 'lt', notin: 'notin', '!=': '!='}
    const binary = ops[operator.tok]
    if (!binary) throw new Error(`found '${operator.lit}', expected: in, notin, =, ==, !=, gt, lt`)
    let values: Set<string>
    if (binary === 'in' || binary === 'notin') {
      const open = consume()
      if (open.tok !== '(') throw new Error(`found '${open.lit}' expected: '('`)
      const first = lookahead()
      if (first.tok === ')') {
        consume()
        values = new Set([''])
      } else if (first.tok === 'id' || first.tok === ',') {
        values = new Set()
        // parseIdentifiersList
        for (;;) {
          const item = consume()
          if (item.tok === 'id') {
            values.add(item.lit)
            const after = lookahead()
            if (after.tok === ',') continue
            if (after.tok === ')') break
            throw new Error(`found '${after.lit}', expected: ',' or ')'`)
          } else if (item.tok === ',') {
            if (!values.size) values.add('')
            const after = lookahead()
            if (after.tok === ')') {
              values.add('')
              break
            }
            if (after.tok === ',') {
              consume()
              values.add('')
            }
          } else throw new Error(`found '${item.lit}', expected: ',', or identifier`)
        }
        if (consume().tok !== ')') throw new Error(`found '${first.lit}', expected: ')'`)
      } else throw new Error(`found '${first.lit}', expected: ',', ')' or identifier`)
    } else {
      // parseExactValue
      const next2 = lookahead().tok
      if (next2 === 'end' || next2 === ',') values = new Set([''])
      else {
        const value = consume()
        if (value.tok !== 'id') throw new Error(`found '${value.lit}', expected: identifier`)
        values = new Set([value.lit])
      }
    }
    return newRequirement(key, binary, [...values].sort())
  }
  const out: Requirement[] = []
  for (;;) {
    const {tok, lit} = lookahead()
    if (tok === 'end') return out
    if (tok !== 'id' && tok !== '!') throw new Error(`found '${lit}', expected: !, identifier, or 'end of string'`)
    try {
      out.push(requirement())
    } catch (error) {
      throw new Error(`unable to parse requirement: ${(error as Error).message}`)
    }
    const after = consume()
    if (after.tok === 'end') return out
    if (after.tok !== ',') throw new Error(`found '${after.lit}', expected: ',' or 'end of string'`)
    const next = lookahead()
    if (next.tok !== 'id' && next.tok !== '!') throw new Error(`found '${next.lit}', expected: identifier after ','`)
  }
}

export function matchesRequirements(labels: Record<string, string> | undefined, reqs: Requirement[]): boolean {
  const l = labels ?? {}
  return reqs.every(({key, op, values}) => {
    const has = Object.hasOwn(l, key)
    switch (op) {
      case '=':
      case 'in':
        return has && values.includes(l[key])
      case '!=':
      case 'notin':
        return !has || !values.includes(l[key])
      case 'exists':
        return has
      case '!':
        return !has
      // Requirement.Matches: the label's value must parse as an int64 too
      case 'gt':
        return has && /^[+-]?\d+$/.test(l[key]) && BigInt(l[key]) > BigInt(values[0])
      case 'lt':
        return has && /^[+-]?\d+$/.test(l[key]) && BigInt(l[key]) < BigInt(values[0])
    }
  })
}

export function matchesLabelSelector(labels: Record<string, string> | undefined, selector: string | undefined): boolean {
  return !selector || matchesRequirements(labels, parseLabelSelector(selector))
}

/** A metav1.LabelSelector (matchLabels + matchExpressions) as a Deployment or webhook carries it. */
export interface LabelSelectorObject {
  matchLabels?: Record<string, string>
  matchExpressions?: Array<{key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[]}>
}

export function matchesSelectorObject(labels: Record<string, string> | undefined, selector: LabelSelectorObject | undefined): boolean {
  if (!selector) return true
  const reqs: Requirement[] = Object.entries(selector.matchLabels ?? {}).map(([key, v]) => ({key, op: '=' as const, values: [v]}))
  for (const e of selector.matchExpressions ?? []) {
    const op = ({In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!'} as const)[e.operator]
    reqs.push({key: e.key, op, values: e.values ?? []})
  }
  return matchesRequirements(labels, reqs)
}

/** `k=v,k2=v2` from matchLabels, as kubectl and client-node build a pod selector from a workload. */
export function selectorString(selector: LabelSelectorObject | undefined): string {
  return Object.entries(selector?.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',')
}

/**
 * The field labels each kind can be selected on, as registered with AddFieldLabelConversionFunc in
 * kubernetes/kubernetes pkg/apis/core/v1/conversion.go (Pod, Node, Event, Namespace, Secret, Service) and
 * pkg/apis/apps/v1/conversion.go (ReplicaSet); pkg/apis/batch/v1/conversion.go (Job). Any other kind falls back to
 * runtime.DefaultMetaV1FieldSelectorConversion (staging/src/k8s.io/apimachinery/pkg/runtime/scheme.go).
 */
const FIELD_LABELS: Record<string, string[]> = {
  Pod: ['metadata.name', 'metadata.namespace', 'spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.podIPs', 'status.nominatedNodeName'],
  Node: ['metadata.name', 'spec.unschedulable'],
  Event: ['involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type', 'metadata.namespace', 'metadata.name'],
  Namespace: ['status.phase', 'metadata.name'],
  Secret: ['type', 'metadata.namespace', 'metadata.name'],
  Service: ['metadata.namespace', 'metadata.name', 'spec.clusterIP', 'spec.type'],
  ReplicaSet: ['metadata.name', 'metadata.namespace', 'status.replicas'],
  Job: ['metadata.name', 'metadata.namespace', 'status.successful'],
}

/** Rejects a field label the kind does not support with the conversion func's own error (a 400 from get.go ListResource). */
function checkFieldLabel(kind: string, group: string, label: string): string {
  if (label === 'spec.host' && kind === 'Pod') return 'spec.nodeName' // backwards compatibility for old v1 clients
  const allowed = group === 'events.k8s.io' ? undefined : FIELD_LABELS[kind]
  if (!allowed) {
    if (label === 'metadata.name' || label === 'metadata.namespace') return label
    throw errors.badRequest(`"${label}" is not a known field selector: only "metadata.name", "metadata.namespace"`)
  }
  if (!allowed.includes(label)) throw errors.badRequest(`field label not supported: ${label}`)
  return label
}

/** The value a selectable field has (pkg/registry/*\/strategy.go ToSelectableFields): bools as "true"/"false", Event source = source.component. */
function fieldValue(obj: KubeObject, label: string): string {
  if (label === 'source' && obj.kind === 'Event') return String(obj.source?.component ?? '')
  if (label === 'spec.hostNetwork') return String(Boolean(obj.spec?.hostNetwork))
  if (label === 'spec.unschedulable') return String(Boolean(obj.spec?.unschedulable))
  if (label === 'status.podIPs') return ((obj.status?.podIPs ?? []) as Array<{ip: string}>).map((p) => p.ip).join(',')
  const value = label.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj)
  return value === undefined || value === null ? '' : String(value)
}

export interface FieldRequirement {
  label: string
  op: '=' | '!='
  value: string
}

/**
 * Parses and checks a field selector for a kind: fields.ParseSelector (apimachinery v0.32.0 pkg/fields/selector.go:
 * splitTerms on unescaped commas, terms sorted, the first of "!=", "==", "=" splits a term, no trimming, values
 * unescaped), then Transform with the kind's conversion func.
 */
export function parseFieldSelector(selector: string | undefined, kind: string, group = ''): FieldRequirement[] {
  if (!selector) return []
  const terms: string[] = []
  let start = 0
  let inSlash = false
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i]
    if (inSlash) inSlash = false
    else if (c === '\\') inSlash = true
    else if (c === ',') {
      terms.push(selector.slice(start, i))
      start = i + 1
    }
  }
  terms.push(selector.slice(start))
  const parsed: Array<{label: string; op: '=' | '!='; value: string}> = []
  for (const term of terms.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!term) continue
    const m = term.match(/^(.*?)(!=|==|=)(.*)$/s)
    if (!m) throw errors.badRequest(`invalid selector: '${selector}'; can't understand '${term}'`)
    parsed.push({label: m[1], op: m[2] === '!=' ? '!=' : '=', value: unescapeFieldValue(m[3])})
  }
  return parsed.map((p) => ({...p, label: checkFieldLabel(kind, group, p.label)}))
}

/** fields.UnescapeValue: `\\`, `\,`, `\=` are escapes; a bare `,` or `=` (printed as its rune number) or another escape fails. */
function unescapeFieldValue(value: string): string {
  let out = ''
  let inSlash = false
  for (const c of value) {
    if (inSlash) {
      if (!'\\,='.includes(c)) throw errors.badRequest(`invalid field selector: invalid escape sequence: \\${c}`)
      out += c
      inSlash = false
    } else if (c === '\\') inSlash = true
    else if (c === ',' || c === '=') throw errors.badRequest(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`)
    else out += c
  }
  if (inSlash) throw errors.badRequest('invalid field selector: invalid escape sequence: \\')
  return out
}

export function matchesFieldRequirements(obj: KubeObject, reqs: FieldRequirement[]): boolean {
  return reqs.every(({label, op, value}) => (op === '!=' ? fieldValue(obj, label) !== value : fieldValue(obj, label) === value))
}
