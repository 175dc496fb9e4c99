import type {SecretLookup, SecretSource} from '../agent/secret-source.js'
import type {InjectionSpec} from '../annotations/injection.js'
import type {KubeClient} from '../kube/client.js'
import type {VaultClient} from '../vault/client.js'
import type {Fact} from './check.js'
import type {InjectorFacts} from './injector-facts.js'
import type {DoctorSubject} from './subject.js'
import type {DevMemoryLoss} from './vault-memory.js'
import type {VaultState} from './vault-state.js'

/** Everything the links are judged from; each piece may be unavailable (with the reason), which skips its checks. */
export interface DoctorContext {
  subject: DoctorSubject
  spec: InjectionSpec
  kube: Fact<KubeClient>
  injector: Fact<InjectorFacts>
  vault: Fact<VaultClient>
  /** Vault's status, auth mount, config, role and policies, read once with the operator's token. */
  vaultState: Fact<VaultState>
  /** Set when a dev-mode Vault holds only what it starts with: its pod was deleted or restarted. */
  vaultMemory?: DevMemoryLoss
  /** The secrets the agent reads, read with the operator's token (values registered for redaction). */
  secrets?: SecretSource
  /** Every secret the agent reads (annotation paths and `secret` calls of the templates), looked up. */
  lookups: SecretLookup[]
}
