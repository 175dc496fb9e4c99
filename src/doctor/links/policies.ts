import type {SecretLookup} from '../../agent/secret-source.js'
import {Acl} from '../../vault/acl/acl.js'
import type {ParsedPolicy, PathRule} from '../../vault/acl/parse.js'
import {CAP, parsePolicy} from '../../vault/acl/parse.js'
import {isUnavailable, linkChecks} from '../check.js'
import type {DoctorContext} from '../context.js'
import type {DoctorCheck} from '../types.js'
import type {NamedPolicy} from '../vault-state.js'

const on = linkChecks('policies')

interface Policy {
  name: string
  parsed: ParsedPolicy
}

const rulePath = (rule: PathRule) => `${rule.path}${rule.isPrefix && !rule.path.endsWith('*') ? '*' : ''}`

function capabilityNames(bits: number): string[] {
  return Object.entries(CAP)
    .filter(([, bit]) => bits & bit)
    .map(([name]) => name)
}

/** Whether this one rule applies to the path, judged by Vault's own matching (a read-only copy of the rule). */
function ruleMatches(rule: PathRule, path: string): boolean {
  return Acl.fromPolicies([{paths: [{...rule, capabilities: CAP.read, minWrappingTtl: 0, maxWrappingTtl: 0, requiredParameters: undefined}]}]).allowOperation(path, 'read').allowed
}

const grantsRead = (policies: Policy[], path: string) => Acl.fromPolicies(policies.map((p) => p.parsed)).allowOperation(path, 'read').allowed

/** The KV v1 form of a KV v2 read path: where policies written for `vault kv get`'s path point by mistake. */
function v1Form(lookup: SecretLookup): string | undefined {
  if (lookup.kvVersion !== 2) return undefined
  const [mount, data, ...rest] = lookup.apiPath.split('/')
  return data === 'data' && rest.length > 0 ? [mount, ...rest].join('/') : undefined
}

function pathCheck(lookup: SecretLookup, policies: Policy[], roleName: string): DoctorCheck {
  const path = lookup.apiPath
  const names = policies.map((p) => p.name).join(', ')
  if (grantsRead(policies, path)) {
    const granting = policies.filter((p) => grantsRead([p], path)).map((p) => p.name)
    return on.pass('policy-read', `read on ${path} granted by ${granting.length > 0 ? `policy ${granting.join(', ')}` : `policies ${names} together`}`, path)
  }
  for (const policy of policies) {
    const deny = policy.parsed.paths.find((rule) => rule.capabilities & CAP.deny && ruleMatches(rule, path))
    if (deny) {
      return on.fail('policy-read', 'policy-denied', `policy ${policy.name} denies ${path} (path "${rulePath(deny)}" has "deny", which wins over every grant)`, `Remove the deny rule from policy ${policy.name}, or narrow its path so it does not cover ${path}.`, path)
    }
  }
  const v1 = v1Form(lookup)
  const v1Granting = v1 ? policies.find((p) => grantsRead([p], v1)) : undefined
  if (v1 && v1Granting) {
    return on.fail(
      'policy-read',
      'policy-denied',
      `policy ${v1Granting.name} grants read on ${v1}, the KV v1 form of the path; ${lookup.path} is on a KV v2 engine, where the agent reads ${path}: no policy of role ${roleName} (${names}) grants read there`,
      `Change the path in policy ${v1Granting.name} to "${path}" (KV v2 puts data/ after the mount): path "${path}" { capabilities = ["read"] }`,
      path,
    )
  }
  const near = policies.flatMap((p) => p.parsed.paths.filter((rule) => ruleMatches(rule, path)).map((rule) => `policy ${p.name} has path "${rulePath(rule)}" with ${capabilityNames(rule.capabilities).join(', ') || 'no capabilities'}`))
  return on.fail(
    'policy-read',
    'policy-denied',
    `no policy of role ${roleName} (${names}) grants read on ${path}${near.length > 0 ? `: ${near.join('; ')}` : ''}`,
    `Add to one of its policies: path "${path}" { capabilities = ["read"] }`,
    path,
  )
}

function parseAll(named: NamedPolicy[]): {policies: Policy[]; notes: string[]} {
  const policies: Policy[] = []
  const notes: string[] = []
  for (const {name, hcl} of named) {
    if (hcl === undefined) {
      if (name !== 'default') notes.push(`policy ${name} does not exist`)
      continue
    }
    try {
      const parsed = parsePolicy(hcl)
      if (parsed.paths.some((rule) => rule.templated)) notes.push(`policy ${name} has templated paths ({{identity…}}), which vsi does not evaluate`)
      policies.push({name, parsed})
    } catch (error) {
      notes.push(`policy ${name} does not parse: ${(error as Error).message}`)
    }
  }
  return {policies, notes}
}

/** Link 5: the role's policies, evaluated as Vault evaluates them (exact, `*` prefix, `+` segments, deny), grant read on every path the agent reads. */
export function policyChecks(ctx: DoctorContext): DoctorCheck[] {
  if (isUnavailable(ctx.vault)) return [on.skip('policies', ctx.vault.unavailable)]
  if (isUnavailable(ctx.vaultState) || !ctx.vaultState.reachable || ctx.vaultState.sealed) return [on.skip('policies', 'Vault is not reachable and unsealed')]
  const {role, policies: named} = ctx.vaultState
  if (!ctx.spec.role || role === undefined || isUnavailable(role)) return [on.skip('policies', 'the role could not be read')]
  if (isUnavailable(named)) return [on.skip('policies', `cannot read the role's policies: ${named.unavailable}`)]
  if (ctx.lookups.length === 0) return [on.skip('policies', 'the annotations name no secret path')]
  const {policies, notes} = parseAll(named)
  return ctx.lookups.map((lookup) => {
    const check = pathCheck(lookup, policies, ctx.spec.role!)
    if (check.failure && notes.length > 0) check.failure.reason += ` (${notes.join('; ')})`
    return check
  })
}
