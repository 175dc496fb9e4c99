/**
 * Rules that follow a pod through admission: what the injector's webhook refuses beyond value parsing (vault-k8s
 * 1.7.6 handler.go Mutate, agent.go New/Validate/Patch), what the API server refuses in the pod the injector
 * produced (Kubernetes pkg/apis/core/validation), and what the injector admits with another meaning.
 */
import {annotationKey} from '../catalog.js'
import {goFloat, quantityError} from '../go-parse.js'
import {AGENT_CONTAINER, AGENT_INIT_CONTAINER} from '../injection.js'
import {
  agentContainerDocument,
  agentMountPaths,
  agentUserId,
  appMountPaths,
  effective,
  effectiveBool,
  goInt,
  injectedVolumeNames,
  mayBeInjected,
  nameOf,
  serviceAccountToken,
} from './injected-pod.js'
import {applyContainerPatch, containerTypeError} from './json-patch.js'
import {entryFor, injectionOf, shortKey} from './pod.js'
import type {AnnotationEntry, Finding, Location, PodTarget} from './types.js'

const SYSTEM_NAMESPACES = ['kube-system', 'kube-public']

interface Refusal {
  message: string
  hint: string
  at: Location
}

const refused = ({message, hint, at}: Refusal): Finding => ({rule: 'injector-refuses', severity: 'error', injector: 'refuses', message, hint, at})

export function injectorRefuses(target: PodTarget): Finding[] {
  if (!mayBeInjected(target)) return []
  const at = (base: string): Location => entryFor(target, base)?.valueAt ?? target.anchor
  const refusals: Refusal[] = []
  if (target.namespace !== undefined && SYSTEM_NAMESPACES.includes(target.namespace)) {
    refusals.push({
      message: `the injector refuses pods in ${target.namespace}: "error with request namespace: cannot inject into system namespaces: ${target.namespace}"`,
      hint: 'run the workload in another namespace, or set vault.hashicorp.com/agent-inject: "false"',
      at: target.anchor,
    })
  }
  refusals.push(...emptyRequired(target), ...podSpecConditions(target), ...brokenConfig(target), ...unappliablePatches(target))
  return refusals.map(refused)

  function emptyRequired(pod: PodTarget): Refusal[] {
    // agent.go Validate, in its order; Init keeps an annotation that is present, even "".
    const required: Array<[string, string, boolean]> = [
      ['agent-request-namespace', 'namespace missing from request', true],
      ['agent-image', 'no Vault image found', true],
      ['auth-type', 'no Vault Auth Type found', false],
      ['auth-path', 'no Vault Auth Path found', false],
      ['service', 'no Vault address found', false],
    ]
    const configMap = effective(pod, 'agent-configmap') !== ''
    return required.flatMap(([base, error, always]) =>
      entryFor(pod, base)?.value === '' && (always || !configMap)
        ? [{message: `${base} is "": the injector refuses the pod with "error validating agent configuration: ${error}"`, hint: `remove ${annotationKey(base)} to use the injector's default, or give it a value`, at: at(base)}]
        : [],
    )
  }

  function podSpecConditions(pod: PodTarget): Refusal[] {
    // A kind-less patch holds only part of the pod spec: the rest comes from the workload it is merged into.
    if (pod.kind === undefined) return []
    const refusals: Refusal[] = []
    const token = serviceAccountToken(pod)
    if (token && 'error' in token) {
      refusals.push({
        message: `the injector finds no service account token for Vault Agent: "error creating new agent sidecar: ${token.error}"`,
        hint: token.entry
          ? 'name a projected volume of the pod with a serviceAccountToken source (path set) in agent-service-account-token-volume-name'
          : 'keep automountServiceAccountToken, or add a projected serviceAccountToken volume and name it in vault.hashicorp.com/agent-service-account-token-volume-name',
        at: token.entry?.valueAt ?? pod.anchor,
      })
    }
    if (pod.podSpec && effectiveBool(pod, 'agent-run-as-same-user')) {
      const context = pod.podSpec.containers?.[0]?.securityContext
      const uid = context?.runAsUser
      const error = !pod.podSpec.containers?.length
        ? 'No containers found in Pod Spec'
        : context === undefined || context === null
          ? 'No SecurityContext found for Container 0'
          : uid === undefined || uid === null
            ? "RunAsUser is nil for Container 0's SecurityContext"
            : uid === 0
              ? 'container not allowed to run as root'
              : undefined
      if (error) {
        refusals.push({
          message: `agent-run-as-same-user needs the first container's securityContext.runAsUser (not root): the injector refuses the pod with "error creating new agent sidecar: ${error}"`,
          hint: 'set spec.containers[0].securityContext.runAsUser to a non-zero uid (a pod-level runAsUser is not read), or remove agent-run-as-same-user',
          at: at('agent-run-as-same-user'),
        })
      }
    }
    if (pod.podSpec?.shareProcessNamespace === false && effectiveBool(pod, 'agent-share-process-namespace')) {
      refusals.push({
        message: 'agent-share-process-namespace is true but the pod sets shareProcessNamespace: false: the injector refuses the pod ("shareProcessNamespace explicitly disabled on the pod, refusing to enable it")',
        hint: 'remove shareProcessNamespace: false from the pod spec, or the annotation',
        at: at('agent-share-process-namespace'),
      })
    }
    return refusals
  }

  function brokenConfig(pod: PodTarget): Refusal[] {
    // strconv.ParseFloat takes NaN and ±Inf; encoding/json then cannot write them into the Agent config.
    const threshold = entryFor(pod, 'template-lease-renewal-threshold')
    const number = threshold === undefined ? undefined : goFloat(threshold.value)
    if (threshold === undefined || typeof number !== 'number' || Number.isFinite(number) || effective(pod, 'agent-configmap') !== '') return []
    const shown = Number.isNaN(number) ? 'NaN' : number > 0 ? '+Inf' : '-Inf'
    return [
      {
        message: `template-lease-renewal-threshold: ${JSON.stringify(threshold.value)} parses as ${shown}, which the Agent config cannot hold: the injector refuses the pod with "error creating patch for agent: json: unsupported value: ${shown}"`,
        hint: 'use a fraction such as "0.9"',
        at: threshold.valueAt,
      },
    ]
  }

  function unappliablePatches(pod: PodTarget): Refusal[] {
    const token = serviceAccountToken(pod)
    const tokenMountPath = token && 'mountPath' in token ? token.mountPath : '/var/run/secrets/kubernetes.io/serviceaccount'
    const patches: Array<[string, boolean]> = [
      ['agent-init-json-patch', injectionOf(pod).initContainer !== undefined],
      ['agent-json-patch', injectionOf(pod).sidecar !== undefined],
    ]
    return patches.flatMap(([base, built]) => {
      const entry = entryFor(pod, base)
      const patch = entry && entry.value !== '' ? parseJson(entry.value) : undefined
      // A YAML list or map instead of a string is reported by non-string-value: the API server refuses it first.
      if (!built || !entry || entry.nonStringType || patch === undefined || !(patch === null || Array.isArray(patch))) return []
      const result = applyContainerPatch(agentContainerDocument(pod, base === 'agent-init-json-patch', tokenMountPath), patch)
      const container = base === 'agent-init-json-patch' ? AGENT_INIT_CONTAINER : AGENT_CONTAINER
      const typeError = 'error' in result ? undefined : containerTypeError(result.container)
      if (typeError) {
        return [
          {
            message: `${base} gives the ${container} container a value of the wrong type: the injector refuses the pod with "error creating patch for agent: ${typeError}"`,
            hint: 'give the field the type the Kubernetes Container has (command and args are lists of strings)',
            at: entry.valueAt,
          },
        ]
      }
      if (!('error' in result)) return []
      return [
        {
          message: `${base} cannot be applied to the ${container} container the injector builds: it refuses the pod with "error creating patch for agent: failed to apply JSON patch: ${result.error}"`,
          hint: `patch paths that exist in the ${container} container (name, image, env, resources, volumeMounts, securityContext${container === 'vault-agent' ? ', lifecycle' : ''}); use "add" for new fields`,
          at: entry.valueAt,
        },
      ]
    })
  }
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

/** resource.ParseQuantity's value, for comparing requests with limits. */
export function quantityValue(text: string): number | undefined {
  if (quantityError(text) !== undefined) return undefined
  // parseQuantityString: an optional sign, digits and `.digits` (none at all is 0: "+", ".", "e3"), then the suffix.
  const numeric = /^[+-]?\d*\.?\d*/.exec(text)![0]
  const number = /\d/.test(numeric) ? Number(numeric.endsWith('.') ? numeric.slice(0, -1) : numeric) : 0
  const suffix = text.slice(numeric.length)
  const binary: Record<string, number> = {Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60}
  const decimal: Record<string, number> = {'': 1, n: 1e-9, u: 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18}
  if (suffix in binary) return number * binary[suffix]!
  if (suffix in decimal) return number * decimal[suffix]!
  return /^[eE][+-]?\d+$/.test(suffix) ? number * 10 ** Number(suffix.slice(1)) : undefined
}

const MAX_ID = 2_147_483_647

/** The pod the injector produces, checked as the API server checks it (ValidatePodCreate). */
export function apiServerRefuses(target: PodTarget): Finding[] {
  if (!mayBeInjected(target)) return []
  const findings: Finding[] = []
  const push = (message: string, hint: string, at: Location, certain = true): void => {
    findings.push({
      rule: 'api-server-refuses',
      severity: certain ? 'error' : 'warning',
      injector: 'api-server-refuses',
      message: `${message}: the API server refuses the injected pod${certain ? '' : ', unless the patched workload sets the other value'}`,
      hint,
      at,
    })
  }
  const at = (base: string): Location => entryFor(target, base)?.valueAt ?? target.anchor
  for (const resource of [['cpu', 'cpu'], ['memory', 'mem'], ['ephemeral-storage', 'ephemeral']] as const) {
    const request = effective(target, `agent-requests-${resource[1]}`)
    const limit = effective(target, `agent-limits-${resource[1]}`)
    const [requestValue, limitValue] = [quantityValue(request), quantityValue(limit)]
    if (requestValue === undefined || limitValue === undefined || requestValue <= limitValue) continue
    const blamed = entryFor(target, `agent-requests-${resource[1]}`) ? `agent-requests-${resource[1]}` : `agent-limits-${resource[1]}`
    // In a kind-less patch, a value left to the injector's default may be set by the patched workload.
    const bothWritten = entryFor(target, `agent-requests-${resource[1]}`) !== undefined && entryFor(target, `agent-limits-${resource[1]}`) !== undefined
    push(
      `the agent containers' resources.requests: Invalid value: "${request}": must be less than or equal to ${resource[0]} limit of ${limit}` +
        (entryFor(target, blamed === `agent-requests-${resource[1]}` ? `agent-limits-${resource[1]}` : `agent-requests-${resource[1]}`) ? '' : ' (the injector\'s default)'),
      `set ${annotationKey(`agent-limits-${resource[1]}`)} and ${annotationKey(`agent-requests-${resource[1]}`)} together, request <= limit`,
      at(blamed),
      target.kind !== undefined || bothWritten,
    )
  }
  if (effectiveBool(target, 'agent-set-security-context')) {
    const ids: Array<[string, number | undefined]> = [
      ['agent-run-as-user', agentUserId(target)],
      ['agent-run-as-group', goInt(effective(target, 'agent-run-as-group'))],
    ]
    for (const [base, id] of ids) {
      if (id === undefined || (id >= 0 && id <= MAX_ID)) continue
      push(
        `${base} ${id}: securityContext.${base === 'agent-run-as-user' ? 'runAsUser' : 'runAsGroup'}: Invalid value: ${id}: must be between 0 and ${MAX_ID}, inclusive`,
        `use an id between 0 and ${MAX_ID}`,
        at(base),
      )
    }
  }
  mountAndNameClashes(target, push, at)
  return findings
}

function mountAndNameClashes(target: PodTarget, push: (message: string, hint: string, at: Location) => void, at: (base: string) => Location): void {
  const token = serviceAccountToken(target)
  const tokenMountPath = token && 'mountPath' in token ? token.mountPath : '/var/run/secrets/kubernetes.io/serviceaccount'
  const agentPaths = agentMountPaths(target, tokenMountPath)
  const pathBase = (path: string): string => {
    const perSecret = target.annotations.find((entry) => entry.key.startsWith(annotationKey('secret-volume-path-')) && entry.value === path)
    return perSecret ? shortKey(perSecret.key) : 'secret-volume-path'
  }
  const reported = new Set<string>()
  const report = (path: string, where: string): void => {
    if (reported.has(path)) return
    reported.add(path)
    const base = pathBase(path)
    if (path === '') push(`${base} is "": volumeMounts[].mountPath: Required value`, 'give the secrets volume an absolute directory, e.g. "/vault/secrets"', at(base))
    else push(`${base} ${JSON.stringify(path)} is also mounted ${where}: volumeMounts[].mountPath: Invalid value: ${JSON.stringify(path)}: must be unique`, 'mount the secrets at a directory of their own', at(base))
  }
  for (const path of agentPaths.filter((item) => item === '')) report(path, '')
  for (const [index, path] of agentPaths.entries()) if (agentPaths.indexOf(path) !== index) report(path, 'in the agent containers (the injector uses it)')
  for (const container of target.podSpec?.containers ?? []) {
    const paths = appMountPaths(target, container)
    for (const [index, path] of paths.entries()) if (paths.indexOf(path) !== index) report(path, `in container ${JSON.stringify(nameOf(container))}`)
  }
  const injected = injectedVolumeNames(target)
  for (const volume of target.podSpec?.volumes ?? []) {
    if (typeof volume?.name !== 'string' || !injected.includes(volume.name)) continue
    push(`the pod's volume ${JSON.stringify(volume.name)} has the name of a volume the injector adds: spec.volumes[].name: Duplicate value: ${JSON.stringify(volume.name)}`, 'rename the pod\'s volume', target.anchor)
  }
  const {sidecar, initContainer} = injectionOf(target)
  for (const [list, name] of [[target.podSpec?.containers, sidecar], [target.podSpec?.initContainers, initContainer]] as const) {
    if (name && (list ?? []).some((container) => nameOf(container) === name)) {
      push(`the pod already has a container named ${name}, which the injector adds: Duplicate value: "${name}"`, 'rename the container', target.anchor)
    }
  }
}

/** Init fills agent-run-as-user/-group only when absent: "" is parsed by parseutil.ParseInt as 0, root. */
export function agentRunsAsRoot(target: PodTarget): Finding[] {
  if (!mayBeInjected(target) || !effectiveBool(target, 'agent-set-security-context')) return []
  return ['agent-run-as-user', 'agent-run-as-group'].flatMap((base) => {
    const entry = entryFor(target, base)
    if (entry?.value !== '' || (base === 'agent-run-as-user' && effectiveBool(target, 'agent-run-as-same-user'))) return []
    return [
      {
        rule: 'agent-runs-as-root' as const,
        severity: 'warning' as const,
        injector: 'admits-differently' as const,
        message: `${base} is "": the injector reads it as 0, so Vault Agent runs as root (${base === 'agent-run-as-user' ? 'uid' : 'gid'} 0, runAsNonRoot false) instead of the default ${base === 'agent-run-as-user' ? '100' : '1000'}`,
        hint: `remove ${entry.key} for the default, or write "0" if root is meant`,
        at: entry.valueAt,
      },
    ]
  })
}

/** The Go types of config.go's Telemetry fields; a value of another JSON type makes the injector drop the stanza. */
const TELEMETRY_TYPES: Readonly<Record<string, 'string' | 'number' | 'boolean' | 'strings'>> = {
  usage_gauge_period: 'string', maximum_gauge_cardinality: 'number', disable_hostname: 'boolean', enable_hostname_label: 'boolean',
  lease_metrics_epsilon: 'string', num_lease_metrics_buckets: 'number', add_lease_metrics_namespace_labels: 'boolean', filter_default: 'boolean',
  prefix_filter: 'strings', statsite_address: 'string', statsd_address: 'string', circonus_api_token: 'string', circonus_api_app: 'string',
  circonus_api_url: 'string', circonus_submission_interval: 'string', circonus_submission_url: 'string', circonus_check_id: 'string',
  circonus_check_force_metric_activation: 'boolean', circonus_check_instance_id: 'string', circonus_check_search_tag: 'string',
  circonus_check_display_name: 'string', circonus_check_tags: 'string', circonus_broker_id: 'string', circonus_broker_select_tag: 'string',
  dogstatsd_addr: 'string', dogstatsd_tags: 'strings', prometheus_retention_time: 'string', stackdriver_project_id: 'string',
  stackdriver_location: 'string', stackdriver_namespace: 'string', stackdriver_debug_logs: 'boolean',
}

function jsonTypeOk(expected: string, value: unknown): boolean {
  if (value === null) return true
  if (expected === 'strings') return Array.isArray(value) && value.every((item) => typeof item === 'string' || item === null)
  // an int field: json.Marshal writes the float64, the int decoder runs strconv.ParseInt(…, 64) on that text
  if (expected === 'number') return typeof value === 'number' && Number.isInteger(value) && value >= -(2 ** 63) && value < 2 ** 63
  return typeof value === expected
}

/** agent-telemetry-* values are JSON-decoded (else strings); one of the wrong type drops the whole telemetry stanza. */
export function telemetryDropped(target: PodTarget): Finding[] {
  if (!mayBeInjected(target)) return []
  const prefix = annotationKey('agent-telemetry-')
  const wrong: Array<{entry: AnnotationEntry; param: string; expected: string}> = []
  for (const entry of target.annotations) {
    if (!entry.key.startsWith(prefix)) continue
    const param = entry.key.slice(prefix.length).replaceAll('-', '_')
    const expected = Object.entries(TELEMETRY_TYPES).find(([name]) => name === param.toLowerCase())?.[1]
    const decoded = parseJson(entry.value)
    if (expected && !jsonTypeOk(expected, decoded === undefined ? entry.value : decoded)) wrong.push({entry, param, expected})
  }
  return wrong.map(({entry, param, expected}) => ({
    rule: 'telemetry-dropped' as const,
    severity: 'warning' as const,
    injector: 'admits-differently' as const,
    message: `${shortKey(entry.key)}: ${JSON.stringify(entry.value)} is not a JSON ${expected === 'strings' ? 'array of strings' : expected} as telemetry ${param} needs: the injector silently drops the whole telemetry stanza`,
    hint: expected === 'string' ? `quote it as a JSON string: '"${entry.value}"'` : `write a JSON ${expected === 'strings' ? 'array such as ["a","b"]' : expected}`,
    at: entry.valueAt,
  }))
}
