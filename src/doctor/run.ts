import type {SecretSource} from '../agent/secret-source.js'
import {vaultSecretSource} from '../agent/secret-source.js'
import type {InjectionSpec} from '../annotations/injection.js'
import {injectionSpec} from '../annotations/injection.js'
import {VsiError} from '../errors.js'
import {parseTemplate, secretCalls} from '../go-template/index.js'
import type {KubeClient} from '../kube/client.js'
import type {KubeConfigOptions} from '../kube/config.js'
import type {VaultClient} from '../vault/client.js'
import {trimSlashes} from '../vault/mounts.js'
import type {VaultSession} from '../vault/session.js'
import {openVaultSession} from '../vault/session.js'
import type {VaultFlagValues} from '../vault/settings.js'
import type {Fact} from './check.js'
import {isUnavailable} from './check.js'
import type {DoctorContext} from './context.js'
import {readInjectorFacts} from './injector-facts.js'
import {annotationChecks} from './links/annotations.js'
import {injectorChecks} from './links/injector.js'
import {loginChecks} from './links/login.js'
import {podChecks} from './links/pods.js'
import {policyChecks} from './links/policies.js'
import {secretChecks} from './links/secrets.js'
import {serviceAccountChecks} from './links/service-account.js'
import {vaultChecks} from './links/vault.js'
import {resolveSubject} from './subject.js'
import type {DoctorCheck, DoctorFailureClass, DoctorResult} from './types.js'
import {detectDevMemoryLoss} from './vault-memory.js'
import {readVaultState} from './vault-state.js'

export interface DoctorOptions {
  target: string
  offline: boolean
  flags: KubeConfigOptions & VaultFlagValues
  /** The cluster, connected on first use: an offline run on a file never connects. */
  kube: () => Promise<KubeClient>
  /** Remarks on what vsi chose on its own (a discovered Vault); never a secret. */
  notice: (line: string) => void
  /** Something the user should know about the run itself (it goes into the envelope's warnings). */
  warn: (message: string) => void
  onProgress?: (status: string) => void
  /** A Vault connection shared by several diagnoses (vsi doctor -f): used as it is and closed by whoever opened it. */
  vault?: Promise<Fact<VaultClient>>
}

const OFFLINE = '--offline: not checked'

/** Every Vault path the agent reads: the secret annotations and each template's literal `secret` calls. */
function secretPaths(spec: InjectionSpec): string[] {
  const paths = new Set<string>()
  for (const template of spec.templates) {
    if (template.secretPath) paths.add(trimSlashes(template.secretPath))
    if (template.text === undefined || template.defaultType) continue
    try {
      for (const call of secretCalls(parseTemplate(template.text, {leftDelim: template.leftDelim, rightDelim: template.rightDelim}))) paths.add(trimSlashes(call.path))
    } catch {
      // A template that does not parse is reported by the secrets link.
    }
  }
  return [...paths]
}

async function connectCluster(kube: () => Promise<KubeClient>): Promise<Fact<KubeClient>> {
  try {
    return await kube()
  } catch (error) {
    if (error instanceof VsiError) return {unavailable: `cannot use the cluster: ${error.message}`}
    throw error
  }
}

/** Connects to Vault as the vault CLI does; a failure is a fact the Vault link reports, not an error of the run. */
export async function openDoctorVault(
  options: Pick<DoctorOptions, 'flags' | 'notice'>,
  kube: () => Promise<KubeClient>,
): Promise<{vault: Fact<VaultClient>; session?: VaultSession}> {
  try {
    const session = await openVaultSession({flags: options.flags, kube, notice: options.notice})
    return {vault: session.vault, session}
  } catch (error) {
    if (error instanceof VsiError) return {vault: {unavailable: `${error.message}${error.hint ? ` (${error.hint})` : ''}`}}
    throw error
  }
}

function summarize(checks: DoctorCheck[]): DoctorResult['summary'] {
  const failures: Partial<Record<DoctorFailureClass, number>> = {}
  for (const check of checks) if (check.status === 'fail' && check.failure) failures[check.failure.class] = (failures[check.failure.class] ?? 0) + 1
  const count = (status: DoctorCheck['status']) => checks.filter((c) => c.status === status).length
  return {checks: checks.length, passed: count('pass'), warnings: count('warn'), failed: count('fail'), skipped: count('skip'), failures}
}

/** Checks every link the injection depends on; returns the result whether or not they hold. */
export async function runDoctor(options: DoctorOptions): Promise<DoctorResult> {
  const started = Date.now()
  const lazy = options.kube
  const subject = await resolveSubject(options.target, {kube: lazy, namespace: options.flags.namespace, offline: options.offline})
  if (subject.ignored.length > 0) options.warn(`${options.target} also has ${subject.ignored.join(', ')}: only ${subject.target} was checked`)
  // A workload read from the cluster already connected; a file only needs the cluster for the later links.
  const kube: Fact<KubeClient> = options.offline ? {unavailable: OFFLINE} : await connectCluster(lazy)
  options.onProgress?.('reading the injector')
  const injector = isUnavailable(kube) ? kube : await readInjectorFacts(kube)
  const spec = injectionSpec(subject.podMetadata, subject.podSpec, isUnavailable(injector) ? {} : injector.defaults)

  options.onProgress?.('reading Vault')
  const {vault, session} = options.offline
    ? {vault: {unavailable: OFFLINE}, session: undefined}
    : options.vault
      ? {vault: await options.vault, session: undefined}
      : await openDoctorVault(options, lazy)
  try {
    const vaultState = isUnavailable(vault) ? vault : await readVaultState(vault, spec)
    const vaultUsable = !isUnavailable(vault) && !isUnavailable(vaultState) && vaultState.reachable && !vaultState.sealed
    const secrets: SecretSource | undefined = vaultUsable ? vaultSecretSource(vault, false) : undefined
    const lookups = secrets ? await Promise.all(secretPaths(spec).map((path) => secrets.lookup(path))) : []
    const vaultMemory =
      vaultUsable && !isUnavailable(kube) && vaultState.reachable && !vaultState.sealed ? await detectDevMemoryLoss(vault, kube, vaultState) : undefined
    const ctx: DoctorContext = {subject, spec, kube, injector, vault, vaultState, vaultMemory, secrets, lookups}

    options.onProgress?.('checking')
    const secretsSkip = isUnavailable(vault) ? vault.unavailable : vaultUsable ? undefined : 'Vault is not reachable and unsealed'
    const [account, injectorLink, secretLink, podLink] = await Promise.all([serviceAccountChecks(ctx), injectorChecks(ctx), secretChecks(ctx, secretsSkip), podChecks(ctx)])
    options.onProgress?.('logging in as the app')
    const login = await loginChecks(ctx, account.exists)
    const checks = [
      ...annotationChecks(ctx),
      ...injectorLink,
      ...account.checks,
      ...vaultChecks(ctx, login),
      ...policyChecks(ctx),
      ...secretLink,
      ...login.checks,
      ...podLink,
    ]
    const summary = summarize(checks)
    return {
      target: subject.target,
      namespace: subject.namespace,
      ...(spec.serviceAccountKnown ? {serviceAccount: spec.serviceAccount} : {}),
      ...(spec.role ? {role: spec.role} : {}),
      authPath: `auth/${spec.authMount}`,
      offline: options.offline,
      passed: summary.failed === 0,
      summary,
      checks,
      seconds: Math.round((Date.now() - started) / 100) / 10,
    }
  } finally {
    await session?.close()
  }
}

/** The error `vsi doctor` exits 1 with: it carries the whole result for --json. */
export function doctorFailed(result: DoctorResult): VsiError {
  const classes = Object.entries(result.summary.failures)
    .map(([name, count]) => (count === 1 ? name : `${count} ${name}`))
    .join(', ')
  return new VsiError(`${result.summary.failed} of ${result.summary.checks} checks failed (${classes})`, {code: 'doctor-failed', result})
}
