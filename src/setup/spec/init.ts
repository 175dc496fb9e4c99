/**
 * `vsi init`: a starter vsi.yaml, from flags or from a live workload's injector annotations. The text is checked
 * with the same validator as every -f command before it is written.
 */
import {stringify} from 'yaml'

import {injectionSpec} from '../../annotations/injection.js'
import type {Workload} from '../../kube/client.js'
import {formatRef, type WorkloadRef} from '../../kube/workload.js'
import {parseSpec} from './file.js'

export interface StarterApp {
  name: string
  namespace?: string
  serviceAccount?: string
  workloads: string[]
  secrets: Array<{file: string; path: string; template?: string}>
}

export interface StarterOptions {
  kvPath: string
  authPath: string
  app: StarterApp
}

/** The app a workload already runs as injected: its role, service account, secrets (KV v2 `data/` taken out) and templates. */
export function appFromWorkload(ref: WorkloadRef, namespace: string, workload: Workload, kvPath: string): {app: StarterApp; authPath?: string} {
  const injection = injectionSpec(workload.spec?.template?.metadata ?? {}, workload.spec?.template?.spec)
  const {role, serviceAccount} = injection
  const authPath = injection.authMountSource === 'annotation' ? injection.authMount : undefined
  const dataPrefix = `${kvPath}/data/`
  const secrets = injection.secrets
    .filter((secret) => secret.path !== '')
    .map((secret) => ({
      file: secret.rawName,
      path: secret.path.startsWith(dataPrefix) ? `${kvPath}/${secret.path.slice(dataPrefix.length)}` : secret.path,
      ...(secret.template ? {template: secret.template} : {}),
    }))
  const name = role ?? serviceAccount
  return {
    app: {name, namespace, ...(serviceAccount !== name ? {serviceAccount} : {}), workloads: [formatRef(ref)], secrets},
    ...(authPath ? {authPath} : {}),
  }
}

export async function starterSpec(options: StarterOptions, file: string): Promise<string> {
  const {app} = options
  const document = {
    apiVersion: 'vsi/v1',
    kind: 'Injection',
    ...(options.kvPath !== 'internal' || options.authPath !== 'kubernetes'
      ? {vault: {...(options.kvPath !== 'internal' ? {kv: {path: options.kvPath}} : {}), ...(options.authPath !== 'kubernetes' ? {auth: {path: options.authPath}} : {})}}
      : {}),
    apps: [
      {
        name: app.name,
        ...(app.namespace ? {namespace: app.namespace} : {}),
        ...(app.serviceAccount ? {serviceAccount: app.serviceAccount} : {}),
        ...(app.workloads.length > 0 ? {workloads: app.workloads} : {}),
        secrets: app.secrets.map((secret) => ({file: secret.file, path: secret.path, ...(secret.template ? {format: 'template', template: secret.template} : {})})),
      },
    ],
  }
  const text = `# yaml-language-server: $schema=./vsi.schema.json\n${stringify(document, {lineWidth: 0})}`
  // What init writes must load: the same checks as plan/apply, with the same file:line:col messages.
  await parseSpec(text, file, '.')
  return text
}
