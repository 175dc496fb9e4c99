/** `vsi init` on a terminal without --app or --from: the starter app, asked for with the tutorial's defaults. */
import type {StarterApp} from './init.js'

export interface InitPromptApi {
  input(options: {message: string; default?: string; validate?: (value: string) => boolean | string}): Promise<string>
}

const required = (what: string) => (value: string) => value.trim() !== '' || `Give ${what}`

export async function askStarterApp(kvPath: string, api?: InitPromptApi): Promise<StarterApp> {
  const prompts = api ?? (await import('@inquirer/prompts'))
  const name = (await prompts.input({message: 'App name (its Vault role and policy)', default: 'internal-app', validate: required('a name')})).trim()
  const workload = (await prompts.input({message: 'Workload that gets the secrets (empty: none yet)', default: 'deployment/orgchart'})).trim()
  const secrets: StarterApp['secrets'] = []
  for (;;) {
    const first = secrets.length === 0
    const file = (
      await prompts.input({
        message: first ? 'Secret file in /vault/secrets/' : 'Another secret file (empty: done)',
        ...(first ? {default: 'database-config.txt', validate: required('a file name')} : {}),
      })
    ).trim()
    if (file === '') break
    const path = (await prompts.input({message: `${file}: KV path`, default: first ? `${kvPath}/database/config` : `${kvPath}/`, validate: required('a path')})).trim()
    secrets.push({file, path})
  }
  return {name, workloads: workload === '' ? [] : [workload], secrets}
}
