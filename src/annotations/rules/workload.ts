/** Rules about where the annotations sit and whether the pod will actually be injected and admitted. */
import {ANNOTATION_PREFIX, annotationKey} from '../catalog.js'
import {goBool} from '../go-parse.js'
import {annotationPathOf, POD_TEMPLATE_PATH} from '../workload-kinds.js'
import {injection} from './injected-pod.js'
import {creatingEntry, entryFor, injectionEnabled, injectionOf, secretsOf, shortKey} from './pod.js'
import type {AnnotationEntry, Finding, PodTarget} from './types.js'


export function annotationsOnWorkload(target: PodTarget): Finding[] {
  const podKeys = new Set(target.annotations.map((entry) => entry.key))
  const place = (annotationPathOf(target.kind) ?? POD_TEMPLATE_PATH).join('.')
  return target.workloadAnnotations.flatMap((entry) => {
    if (!entry.key.startsWith(ANNOTATION_PREFIX) || podKeys.has(entry.key)) return []
    return [
      {
        rule: 'annotations-on-workload' as const,

        injector: 'ignores' as const,
        severity: 'error' as const,
        message: `${entry.key} is on the ${target.kind ?? 'workload'}'s own metadata: the injector only sees the pod's annotations, so it has no effect there`,
        hint: `move it to ${place}`,
        at: entry.keyAt,
      },
    ]
  })
}

export function injectedStatus(target: PodTarget): Finding[] {
  const entry = entryFor(target, 'agent-inject-status')
  if (!entry || !injectionOf(target).alreadyInjected) return []
  return [
    {
      rule: 'injected-status',

      injector: 'ignores',
      severity: 'error',
      message: `agent-inject-status is "injected": the injector skips pods that already carry it, so ${target.kind === 'Pod' ? 'this pod is' : 'these pods are'} never injected (copied from a running pod?)`,
      hint: `remove ${entry.key}; the injector sets it itself`,
      at: entry.keyAt,
    },
  ]
}

export function jobNeedsPrePopulateOnly(target: PodTarget): Finding[] {
  if (target.kind !== 'Job' && target.kind !== 'CronJob') return []
  const inject = entryFor(target, 'agent-inject')
  const {inject: enabled, sidecar} = injectionOf(target)
  if (!inject || !enabled || !sidecar) return []
  const prePopulateOnly = entryFor(target, 'agent-pre-populate-only')
  return [
    {
      rule: 'job-needs-pre-populate-only',

      injector: 'admits-differently',
      severity: 'error',
      message: `a ${target.kind} with the vault-agent sidecar never completes: the sidecar keeps running after the job's containers exit`,
      hint: `add ${ANNOTATION_PREFIX}agent-pre-populate-only: "true" (secrets are rendered once by the init container)`,
      at: (prePopulateOnly ?? inject).keyAt,
    },
  ]
}

export function injectionNotEnabled(target: PodTarget): Finding[] {
  const [first] = secretsOf(target)
  if (injectionEnabled(target) === true) return []
  const inject = entryFor(target, 'agent-inject')
  // An unparsable value is reported by invalid-value, and one on the workload's metadata by annotations-on-workload.
  if (inject && goBool(inject.value) === undefined) return []
  if (!first) return inject ? optionsIgnored(target, inject) : []
  if (!inject && target.workloadAnnotations.some((entry) => entry.key === annotationKey('agent-inject'))) return []
  // A kind-less patch is merged onto a workload that may already have the switch.
  const patch = target.kind === undefined
  return [
    {
      rule: 'injection-not-enabled',
      injector: 'ignores',
      severity: inject || patch ? 'warning' : 'error',
      message: inject
        ? `secrets are declared but agent-inject is ${JSON.stringify(inject.value)}: nothing is injected`
        : patch
          ? 'secrets are declared but this patch does not set agent-inject: nothing is injected unless the patched workload already has agent-inject: "true"'
          : 'secrets are declared but agent-inject is missing: the injector injects nothing without agent-inject: "true"',
      hint: `set ${ANNOTATION_PREFIX}agent-inject: "true"`,
      at: (inject ?? creatingEntry(target, first)).keyAt,
    },
  ]
}

/** agent-inject false (or ""): ShouldInject stops there, so no other annotation is read, valid or not. */
function optionsIgnored(target: PodTarget, inject: AnnotationEntry): Finding[] {
  const others = target.annotations.filter((entry) => entry.key.startsWith(ANNOTATION_PREFIX) && entry !== inject && entry.key !== annotationKey('agent-inject-status'))
  if (others.length === 0) return []
  return [
    {
      rule: 'injection-not-enabled',
      injector: 'ignores',
      severity: 'warning',
      message: `agent-inject is ${JSON.stringify(inject.value)}: the injector leaves the pod untouched and ignores its ${others.length} other vault.hashicorp.com annotation${others.length === 1 ? '' : 's'}`,
      hint: `set ${ANNOTATION_PREFIX}agent-inject: "true" to inject, or remove the other annotations`,
      at: inject.keyAt,
    },
  ]
}

/** agent.Validate: with Kubernetes auth and the generated config, a role is required. */
export function missingRole(target: PodTarget): Finding[] {
  const inject = entryFor(target, 'agent-inject')
  if (!inject || injection(target) !== 'injected') return []
  const present = (base: string): boolean => (entryFor(target, base)?.value ?? '') !== ''
  const authType = entryFor(target, 'auth-type')?.value
  if (present('agent-configmap') || (authType !== undefined && authType !== 'kubernetes')) return []
  if (present('role') || present('auth-config-role')) return []
  const patch = target.kind === undefined
  return [
    {
      rule: 'missing-role',

      injector: 'refuses',
      severity: patch ? 'warning' : 'error',
      message:
        'no Vault role: the injector rejects the pod with "error validating agent configuration: no Vault role found" (Kubernetes auth needs vault.hashicorp.com/role)' +
        (patch ? ', unless the patched workload already has one' : ''),
      hint: `add ${ANNOTATION_PREFIX}role: "<the Vault Kubernetes auth role>"`,
      at: inject.keyAt,
    },
  ]
}

/** Container names the injector matches exactly; unknown ones are silently skipped. */
export function unknownContainer(target: PodTarget): Finding[] {
  if (!target.podSpec) return []
  const names = (list: Array<{name?: unknown}> | undefined): string[] => (list ?? []).flatMap((item) => (typeof item.name === 'string' ? [item.name] : []))
  const containers = names(target.podSpec.containers)
  const findings: Finding[] = []
  const inject = entryFor(target, 'agent-inject-containers')
  if (inject && inject.value !== '') {
    // strings.Split(value, ","), without trimming: "app, web" names " web".
    for (const name of inject.value.split(',').filter((item) => !containers.includes(item))) {
      findings.push(containerFinding(inject.key, inject.valueAt, name, containers))
    }
  }
  const copy = entryFor(target, 'agent-copy-volume-mounts')
  const all = [...containers, ...names(target.podSpec.initContainers)]
  if (copy && copy.value !== '' && !all.includes(copy.value)) findings.push(containerFinding(copy.key, copy.valueAt, copy.value, all))
  return findings
}

function containerFinding(key: string, at: Finding['at'], name: string, known: string[]): Finding {
  const spaced = name.trim() !== name && known.includes(name.trim())
  return {
    rule: 'unknown-container',

    injector: 'ignores',
    severity: 'warning',
    message: `${shortKey(key)} names container ${JSON.stringify(name)}, which the pod does not have: the injector silently skips it`,
    hint: spaced ? 'remove the spaces: the list is split on "," without trimming' : `use one of: ${known.join(', ') || '(no containers)'}`,
    at,
  }
}
