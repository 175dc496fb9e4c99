import {registerSecret} from '../output/redact.js'

/** The tutorial's values, offered as defaults. */
export const TUTORIAL = {
  secretKey: 'database/config',
  username: 'db-readonly-username',
  password: 'db-secret-password',
  app: 'internal-app',
}

export interface PromptApi {
  input(options: {message: string; default?: string}): Promise<string>
  password(options: {message: string; mask?: string; validate?: (value: string) => boolean | string}): Promise<string>
}

async function inquirer(): Promise<PromptApi> {
  const {input, password} = await import('@inquirer/prompts')
  return {input, password}
}

/** Asks for the secret to keep (empty answer: none). */
export async function askSecretPath(kvPath: string, api?: PromptApi): Promise<string | undefined> {
  const prompts = api ?? (await inquirer())
  const answer = await prompts.input({message: 'Secret to create or keep (empty: none)', default: `${kvPath}/${TUTORIAL.secretKey}`})
  return answer.trim() || undefined
}

/** Asks for the app that may read the secret (empty answer: none). */
export async function askApp(api?: PromptApi): Promise<string | undefined> {
  const prompts = api ?? (await inquirer())
  const answer = await prompts.input({message: 'App that may read it: policy, role and service account (empty: none)', default: TUTORIAL.app})
  return answer.trim() || undefined
}

/** Asks for the secret's values as the tutorial has them: a username and a password (typed without echo). */
export async function askSecretValues(path: string, api?: PromptApi): Promise<Record<string, string>> {
  const prompts = api ?? (await inquirer())
  const username = await prompts.input({message: `${path}: username`, default: TUTORIAL.username})
  // No default: a password nobody typed would be a known one, stored where the app trusts it.
  const password = await prompts.password({message: `${path}: password`, mask: '*', validate: (value) => value !== '' || 'Type the password (it is not echoed); an empty one is not stored'})
  const data = {username, password}
  registerSecret(data.username)
  registerSecret(data.password)
  return data
}
