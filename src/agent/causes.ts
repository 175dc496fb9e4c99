/**
 * What Vault and Vault Agent say when the injection breaks, mapped to the cause and the fix. Used for the live login's
 * error and for the last error in a `vault-agent-init` log, so both read the same.
 */
/** The causes vsi can name from what Vault or Vault Agent says (a subset of doctor's failure classes). */
export type AgentFailureClass =
  | 'role-missing'
  | 'role-binding'
  | 'issuer'
  | 'audience'
  | 'secret-missing'
  | 'token-not-mounted'
  | 'vault-unreachable'
  | 'template-error'
  | 'missing-key'
  | 'reviewer-jwt'
  | 'policy-denied'

export interface Diagnosis {
  class: AgentFailureClass
  reason: string
  hint: string
}

export interface CauseContext {
  role?: string
  authMount: string
  serviceAccount: string
  namespace: string
}

interface Cause {
  pattern: RegExp
  diagnose: (match: RegExpMatchArray, ctx: CauseContext, text: string) => Diagnosis
}

const theRole = (ctx: CauseContext) => (ctx.role ? `role ${ctx.role}` : 'the role')
const roleWrite = (ctx: CauseContext) => `vault write auth/${ctx.authMount}/role/${ctx.role ?? 'ROLE'}`

/** The Vault path of a failed read, from the agent's `vault.read(PATH)` or the request URL. */
function readPath(text: string): string | undefined {
  return /URL: GET \S*?\/v1\/(\S+)/.exec(text)?.[1] ?? /vault\.read\(([^)]+)\)/.exec(text)?.[1]
}

const CAUSES: Cause[] = [
  {
    pattern: /invalid role name "?([^"\s]*)"?/,
    diagnose: (m, ctx) => ({
      class: 'role-missing',
      reason: `role "${m[1]}" does not exist on auth/${ctx.authMount}`,
      hint: `Create the role (${roleWrite({...ctx, role: m[1]})} …), fix vault.hashicorp.com/role, or, if Kubernetes auth is enabled at another path, set vault.hashicorp.com/auth-path.`,
    }),
  },
  {
    pattern: /service account name not authorized/,
    diagnose: (_m, ctx) => ({
      class: 'role-binding',
      reason: `${theRole(ctx)} does not bind service account ${ctx.serviceAccount} (service account name not authorized)`,
      hint: `Add it to the role: ${roleWrite(ctx)} bound_service_account_names=${ctx.serviceAccount} … (the role is written whole: repeat its other fields), or run the pod as a bound service account.`,
    }),
  },
  {
    pattern: /namespace not authorized/,
    diagnose: (_m, ctx) => ({
      class: 'role-binding',
      reason: `${theRole(ctx)} does not bind namespace ${ctx.namespace} (namespace not authorized)`,
      hint: `Add it to the role: ${roleWrite(ctx)} bound_service_account_namespaces=${ctx.namespace} … (repeat the role's other fields).`,
    }),
  },
  {
    // Older Vault says `claim "iss" is invalid`; since the move to hashicorp/cap, `invalid issuer (iss) claim`.
    pattern: /claim "iss" is invalid|invalid issuer \(iss\) claim/,
    diagnose: (_m, ctx) => ({
      class: 'issuer',
      reason: 'Vault rejects the issuer of the service account token (claim "iss" is invalid)',
      hint: `Let Vault skip the issuer check: vault write auth/${ctx.authMount}/config disable_iss_validation=true (keeping kubernetes_host and the CA), or set issuer to the cluster's (kubectl get --raw /.well-known/openid-configuration).`,
    }),
  },
  {
    pattern: /invalid audience|aud(ience)?\)? claim|audiences? .*not allowed/i,
    diagnose: (_m, ctx) => ({
      class: 'audience',
      reason: `the service account token's audience is not the one ${theRole(ctx)} requires`,
      hint: 'Mount a projected service account token with the role\'s audience and name its volume in vault.hashicorp.com/agent-service-account-token-volume-name, or clear the role\'s audience.',
    }),
  },
  {
    pattern: /no secret exists at (\S+)/,
    diagnose: (m) => ({
      class: 'secret-missing',
      reason: `no secret exists at ${m[1]}`,
      hint: `Write it (vault kv put …) or fix the path in the annotation or template; on KV v2 check it was not deleted (vault kv metadata get).`,
    }),
  },
  {
    pattern: /error reading JWT|serviceaccount\/token: no such file/,
    diagnose: (_m, ctx) => ({
      class: 'token-not-mounted',
      reason: `the agent has no service account token to log in with`,
      hint: `Mount the token of ${ctx.serviceAccount} (automountServiceAccountToken must not be false), or point vault.hashicorp.com/agent-service-account-token-volume-name at a projected token volume.`,
    }),
  },
  {
    pattern: /x509|certificate signed by unknown authority|tls: /,
    diagnose: () => ({
      class: 'vault-unreachable',
      reason: "the agent does not trust Vault's TLS certificate",
      hint: 'Give the agent the CA: vault.hashicorp.com/tls-secret with vault.hashicorp.com/ca-cert, or (tests only) vault.hashicorp.com/tls-skip-verify: "true".',
    }),
  },
  {
    pattern: /connection refused|no such host|i\/o timeout|dial tcp|context deadline exceeded/,
    diagnose: () => ({
      class: 'vault-unreachable',
      reason: 'the agent cannot reach Vault',
      hint: 'Check vault.hashicorp.com/service (or the injector\'s AGENT_INJECT_VAULT_ADDR), NetworkPolicies, and a service mesh sidecar that starts after the init container.',
    }),
  },
  {
    pattern: /function "([^"]+)" not defined/,
    diagnose: (m) => ({
      class: 'template-error',
      reason: `a template calls ${m[1]}, which Vault Agent does not have`,
      hint: 'Fix the template; vsi template render shows what the agent makes of it.',
    }),
  },
  {
    pattern: /map has no entry for key "?([^"\s]+)"?/,
    diagnose: (m) => ({
      class: 'missing-key',
      reason: `a template reads key "${m[1]}", which the secret does not have`,
      hint: 'Fix the key in the template (vsi template render lists the keys that exist) or add it to the secret.',
    }),
  },
  {
    pattern: /permission denied/,
    diagnose: (_m, ctx, text) => {
      const path = readPath(text)
      if (/\/login\b/.test(text) || !path) {
        return {
          class: 'reviewer-jwt',
          reason: "Vault's TokenReview of the service account token failed (permission denied at login)",
          hint: `Vault could not confirm the token with the cluster: renew the token_reviewer_jwt in auth/${ctx.authMount}/config (an expired or deleted token is the usual cause), and check that the reviewer's service account has system:auth-delegator.`,
        }
      }
      return {
        class: 'policy-denied',
        reason: `the role's policies do not allow reading ${path}`,
        hint: `Grant read on it: path "${path}" { capabilities = ["read"] } in a policy of ${theRole(ctx)} (on KV v2 the path has data/ after the mount).`,
      }
    },
  },
]

/** The cause and fix for an error text from Vault or Vault Agent, when it is one vsi knows. */
export function diagnose(text: string, ctx: CauseContext): Diagnosis | undefined {
  for (const cause of CAUSES) {
    const match = text.match(cause.pattern)
    if (match) return cause.diagnose(match, ctx, text)
  }
  return undefined
}

/**
 * The last error of a Vault Agent log with its continuation lines: hclog writes a multi-line value as an
 * `error=` line followed by `  | …` lines.
 */
export function lastAgentError(log: string): string | undefined {
  const lines = log.split('\n')
  for (let i = lines.length - 1; i >= 0; i--) {
    // Only hclog's [ERROR] entries: the agent's closing "Error encountered during run, refer to logs…" says nothing.
    if (!lines[i].includes('[ERROR]')) continue
    const entry = [lines[i]]
    for (let j = i + 1; j < lines.length && /^\s/.test(lines[j]); j++) entry.push(lines[j])
    return entry.join('\n')
  }
  return undefined
}

/** A multi-line agent error on one line, for a report: `error authenticating: … Code: 403 … * permission denied`. */
export function oneLine(entry: string, max = 300): string {
  const text = entry
    .split('\n')
    .map((line) => line.replace(/^\s*\|\s?/, '').trim())
    .filter((line) => line !== '')
    .join(' ')
    .replace(/^\S+\s+\[ERROR\]\s*/, '')
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}
