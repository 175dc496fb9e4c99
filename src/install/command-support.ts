/** Flag handling and text shared by `vsi install` and `vsi setup`'s offer to install. */
import type {KubeClient} from '../kube/client.js'
import type {InstallRequest, InstallResult} from './install.js'

export interface InstallFlags {
  version?: string
  set?: string[]
  values?: string[]
  timeout: number
  wait: boolean
  context?: string
  kubeconfig?: string
}

export function installRequest(kube: Pick<KubeClient, 'namespace'>, flags: InstallFlags): InstallRequest {
  return {
    namespace: kube.namespace,
    version: flags.version,
    set: flags.set ?? [],
    valuesFiles: flags.values ?? [],
    kubeContext: flags.context,
    kubeconfig: flags.kubeconfig,
    timeoutMs: flags.timeout,
    wait: flags.wait,
  }
}

export function renderInstall(result: InstallResult): string[] {
  const what = `release ${result.release} in namespace ${result.namespace} (chart ${result.chart ?? 'unknown'}${result.appVersion ? `, Vault ${result.appVersion}` : ''}, revision ${result.revision ?? '?'})`
  const lines = [result.changed ? `Installed Vault in dev mode and the Agent Injector: ${what}.` : `Vault is already installed as asked: ${what}. Nothing changed.`]
  if (result.ready) lines.push(`  ${result.ready.server}`, `  ${result.ready.injector}`, `  ${result.ready.webhook}`)
  if (result.changed && result.ready) lines.push('Next: vsi setup --secret internal/database/config username=… password=- --app internal-app')
  return lines
}

/** Bad --values files are a usage error before anything runs (exit 2), as with any other bad input. */
export async function checkValuesFiles(files: string[] = []): Promise<void> {
  const {readValuesFile} = await import('./values.js')
  for (const file of files) await readValuesFile(file)
}
