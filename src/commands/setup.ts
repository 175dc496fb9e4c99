import {Args, Flags} from '@oclif/core'

import {VsiCommand} from '../cli/base-command.js'
import {lazyKube, withVaultSession} from '../cli/connections.js'
import {kubeFlags, vaultFlags} from '../cli/flags.js'
import {stderrNotice} from '../cli/notice.js'
import {canPrompt} from '../output/terminal.js'
import {runSetup, type SetupResult} from '../setup/run.js'

export default class Setup extends VsiCommand<SetupResult> {
  static override summary = 'Prepare Vault and the cluster for the Agent Injector: KV engine, Kubernetes auth, and optionally a secret, policy, role and service account.'

  static override description = `Idempotent: it reads what exists first, changes only what differs, and a re-run of a finished setup writes nothing.
Vault is reached as the vault CLI reaches it (VAULT_ADDR, VAULT_TOKEN, ~/.vault-token, VAULT_CACERT, …); with no VAULT_ADDR, vsi finds the Vault server pod in the cluster by the Helm chart's labels and port-forwards to it.
With --app, setup ends by logging in as the app's service account and reading the secret, to prove it works.
It is the one-app shortcut of vsi apply -f vsi.yaml: the same plan and apply, from flags (nothing it creates is marked as vsi's, so vsi destroy leaves it).`

  static override examples = [
    {description: 'The whole tutorial in one command (values from a file and stdin, not the command line):', command: '<%= config.bin %> <%= command.id %> --secret internal/database/config username=db-readonly-username password=@password.txt --app internal-app'},
    {description: 'Show what would be done, without writing:', command: '<%= config.bin %> <%= command.id %> --secret internal/database/config --app internal-app --dry-run'},
    {
      description: 'Several secrets for one app, each followed by its values:',
      command: '<%= config.bin %> <%= command.id %> --secret internal/database/config password=@password.txt --secret internal/api/key key=@key.txt --app internal-app',
    },
    {description: 'Only the KV engine and the Kubernetes auth method:', command: '<%= config.bin %> <%= command.id %>'},
  ]

  static override strict = false

  static override args = {
    data: Args.string({description: 'Secret data for the --secret before it: key=value, key=@file or key=- (stdin); repeatable.'}),
  }

  static override flags = {
    'kv-path': Flags.string({description: 'Where the KV v2 secrets engine is (enabled if absent).', default: 'internal'}),
    'auth-path': Flags.string({description: 'Where the Kubernetes auth method is (enabled if absent).', default: 'kubernetes'}),
    secret: Flags.string({
      description: 'A secret to create (with key=value arguments after it) or keep, e.g. internal/database/config; repeatable.',
      multiple: true,
      multipleNonGreedy: true,
    }),
    app: Flags.string({description: 'App name: creates a policy reading the --secret paths, a role bound to the service account of this name, and the service account.'}),
    ttl: Flags.string({description: "Token TTL of the app's role.", default: '24h'}),
    audience: Flags.string({description: "Audience the app's role requires in service account tokens."}),
    'vault-location': Flags.string({
      description:
        'Where Vault runs (default: decided by comparing the cluster_id of the Vault at the address with that of the Vault server pod): in-cluster Vault reviews tokens with its own service account at the in-cluster API address.',
      options: ['in-cluster', 'external'],
    }),
    'vault-in-cluster': Flags.boolean({description: 'Same as --vault-location in-cluster.', hidden: true, exclusive: ['vault-location']}),
    'kubernetes-host': Flags.string({
      description: 'The API server address Vault calls for token reviews (default: https://kubernetes.default.svc:443 for Vault in the cluster, the kubeconfig server otherwise).',
    }),
    verify: Flags.boolean({description: 'Log in as the app and read the secret at the end (default: when something changed).', allowNo: true}),
    'dry-run': Flags.boolean({description: 'Print the plan (create / change / unchanged per item) and write nothing.'}),
    ...vaultFlags,
    ...kubeFlags,
  }

  async run(): Promise<SetupResult> {
    const {flags, argv} = await this.parse(Setup)
    const json = this.jsonEnabled()
    const kube = lazyKube(flags)
    return runSetup(flags, argv as string[], {
      interactive: canPrompt() && !json,
      commandLine: {argv: this.argv, flags: {...Setup.baseFlags, ...Setup.flags}},
      log: (text) => this.log(text),
      warn: (message) => this.warn(message),
      kube,
      withVault: (work) => withVaultSession(flags, stderrNotice(json), work, kube),
      runCommand: (id, args) => this.config.runCommand(id, args),
    })
  }
}
