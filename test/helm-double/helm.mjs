#!/usr/bin/env node
/**
 * A `helm` for tests (Helm cannot be installed here). Tests put a symlink named `helm` to this file on the PATH.
 * It does to a cluster what helm 3 does, through the Kubernetes API named by the kubeconfig, so the emulator's
 * controllers bring the pods up: renders chart vault-0.34.1 (chart.mjs), creates the objects in Helm's install
 * order (helm/helm pkg/releaseutil/kind_sorter.go InstallOrder), records the release as a Secret
 * `sh.helm.release.v1.vault.vN` (helm/helm pkg/storage/driver/secrets.go: type helm.sh/release.v1, labels
 * name/owner/status/version), and deletes in reverse order on uninstall. Output texts follow helm/helm cmd/helm.
 *
 * Supported: version --short; repo add/update; search repo -o json; list -o json [--all] [--filter];
 * get values -o json; upgrade --install; uninstall. Test knobs: HELM_DOUBLE_VERSION (default v3.16.3+gcfd0749);
 * HELM_DOUBLE_HANG_PIDFILE: `upgrade` writes its pid there and hangs (to test that vsi kills it on Ctrl-C).
 */
import {gzipSync, gunzipSync} from 'node:zlib'
import {existsSync, mkdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs'
import {request} from 'node:https'
import {request as httpRequest} from 'node:http'
import {homedir} from 'node:os'
import {setInterval} from 'node:timers'
import {join} from 'node:path'
import {parse, stringify} from 'yaml'

import {APP_VERSION, CHART_VERSION, render} from './chart.mjs'

const REPO_INDEX = {name: 'hashicorp/vault', version: CHART_VERSION, app_version: APP_VERSION, description: 'Official HashiCorp Vault Chart'}
const INSTALL_ORDER = ['Namespace', 'ServiceAccount', 'Secret', 'ConfigMap', 'PersistentVolumeClaim', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding', 'Service', 'DaemonSet', 'Pod', 'ReplicaSet', 'Deployment', 'StatefulSet', 'Job', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']
const RESOURCES = {
  Namespace: ['/api/v1', 'namespaces', false],
  ServiceAccount: ['/api/v1', 'serviceaccounts', true],
  Secret: ['/api/v1', 'secrets', true],
  Service: ['/api/v1', 'services', true],
  ClusterRole: ['/apis/rbac.authorization.k8s.io/v1', 'clusterroles', false],
  ClusterRoleBinding: ['/apis/rbac.authorization.k8s.io/v1', 'clusterrolebindings', false],
  Deployment: ['/apis/apps/v1', 'deployments', true],
  StatefulSet: ['/apis/apps/v1', 'statefulsets', true],
  MutatingWebhookConfiguration: ['/apis/admissionregistration.k8s.io/v1', 'mutatingwebhookconfigurations', false],
}

class HelmError extends Error {}

const args = process.argv.slice(2)
const flags = {set: [], values: []}
const words = []
for (let i = 0; i < args.length; i++) {
  const arg = args[i]
  const take = () => args[++i]
  if (arg === '--set') flags.set.push(take())
  else if (arg === '--values' || arg === '-f') flags.values.push(take())
  else if (arg === '--namespace' || arg === '-n') flags.namespace = take()
  else if (['--kube-context', '--kubeconfig', '--output', '--filter', '--version'].includes(arg)) flags[arg.slice(2)] = take()
  else if (arg === '-o') flags.output = take()
  else if (arg.startsWith('--')) flags[arg.slice(2)] = true
  else words.push(arg)
}

try {
  await main(words)
} catch (error) {
  process.stderr.write(`Error: ${error instanceof HelmError ? error.message : error.stack}\n`)
  process.exit(1)
}

async function main([command, ...rest]) {
  switch (command) {
    case 'version':
      return print(process.env.HELM_DOUBLE_VERSION ?? 'v3.16.3+gcfd0749')
    case 'repo':
      return repo(rest)
    case 'search':
      if (!repositories().some((r) => r.name === 'hashicorp')) throw new HelmError('no repositories configured')
      return print(JSON.stringify(!flags.version || flags.version === CHART_VERSION ? [REPO_INDEX] : []))
    case 'list':
      return list()
    case 'get':
      return getValues(rest)
    case 'upgrade':
      return upgrade(rest)
    case 'uninstall':
      return uninstall(rest)
    default:
      throw new HelmError(`unknown command "${command}" for "helm"`)
  }
}

function print(text) {
  process.stdout.write(`${text}\n`)
}

// ── repositories (helm/helm pkg/repo: $HOME/.config/helm/repositories.yaml) ───────────────────────────────────
function reposFile() {
  return process.env.HELM_REPOSITORY_CONFIG ?? join(homedir(), '.config/helm/repositories.yaml')
}
function repositories() {
  return existsSync(reposFile()) ? (parse(readFileSync(reposFile(), 'utf8'))?.repositories ?? []) : []
}
function repo([sub, name, url]) {
  if (sub === 'add') {
    const existing = repositories().find((r) => r.name === name)
    if (existing?.url === url) return print(`"${name}" already exists with the same configuration, skipping`)
    if (existing) throw new HelmError(`repository name (${name}) already exists, please specify a different name`)
    mkdirSync(join(reposFile(), '..'), {recursive: true})
    writeFileSync(reposFile(), stringify({apiVersion: '', generated: new Date().toISOString(), repositories: [...repositories(), {name, url}]}))
    return print(`"${name}" has been added to your repositories`)
  }
  if (sub === 'update') {
    if (!repositories().some((r) => !name || r.name === name)) throw new HelmError(`no repositories found matching '${name}'.  Nothing will be updated`)
    return print(`Hang tight while we grab the latest from your chart repositories...\n...Successfully got an update from the "${name ?? 'hashicorp'}" chart repository\nUpdate Complete. ⎈Happy Helming!⎈`)
  }
  throw new HelmError(`unknown command "${sub}" for "helm repo"`)
}

// ── the cluster, through its API ───────────────────────────────────────────────────────────────────────────
function cluster() {
  const path = flags.kubeconfig ?? (process.env.KUBECONFIG ?? join(homedir(), '.kube/config')).split(':')[0]
  const config = parse(readFileSync(path, 'utf8'))
  const contextName = flags['kube-context'] ?? config['current-context']
  const context = config.contexts.find((c) => c.name === contextName)?.context
  if (!context) throw new HelmError(`Kubernetes cluster unreachable: context "${contextName}" does not exist`)
  const server = config.clusters.find((c) => c.name === context.cluster).cluster
  const user = config.users.find((u) => u.name === context.user).user
  return {
    server: server.server,
    ca: server['certificate-authority-data'] ? Buffer.from(server['certificate-authority-data'], 'base64') : undefined,
    token: user.token,
    namespace: flags.namespace ?? context.namespace ?? 'default',
  }
}

async function api(kube, method, path, body) {
  const url = new URL(path, kube.server)
  const send = url.protocol === 'https:' ? request : httpRequest
  return new Promise((resolve, reject) => {
    const req = send(url, {method, ca: kube.ca, headers: {authorization: `Bearer ${kube.token}`, 'content-type': 'application/json', accept: 'application/json'}}, (res) => {
      let text = ''
      res.on('data', (chunk) => (text += chunk))
      res.on('end', () => resolve({status: res.statusCode, body: text ? JSON.parse(text) : undefined}))
    })
    req.on('error', (error) => reject(new HelmError(`Kubernetes cluster unreachable: ${error.message}`)))
    req.end(body === undefined ? undefined : JSON.stringify(body))
  })
}

function objectPath(obj, namespace, withName = true) {
  const [prefix, plural, namespaced] = RESOURCES[obj.kind]
  return `${prefix}${namespaced ? `/namespaces/${namespace}` : ''}/${plural}${withName ? `/${obj.metadata.name}` : ''}`
}

// ── releases (Secrets sh.helm.release.v1.<name>.v<revision>) ──────────────────────────────────────────────────
async function releases(kube) {
  const {status, body} = await api(kube, 'GET', `/api/v1/namespaces/${kube.namespace}/secrets?labelSelector=${encodeURIComponent('owner=helm,name=vault')}`)
  if (status !== 200) throw new HelmError(`list: failed to list: ${body?.message ?? status}`)
  return body.items
    .map((secret) => JSON.parse(gunzipSync(Buffer.from(Buffer.from(secret.data.release, 'base64').toString(), 'base64')).toString()))
    .sort((a, b) => a.version - b.version)
}

async function saveRelease(kube, release) {
  const data = Buffer.from(gzipSync(JSON.stringify(release)).toString('base64')).toString('base64')
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'helm.sh/release.v1',
    metadata: {name: `sh.helm.release.v1.${release.name}.v${release.version}`, namespace: kube.namespace, labels: {name: release.name, owner: 'helm', status: release.info.status, version: String(release.version)}},
    data: {release: data},
  }
  const existing = await api(kube, 'GET', objectPath(secret, kube.namespace))
  if (existing.status === 200) await api(kube, 'PUT', objectPath(secret, kube.namespace), {...secret, metadata: {...secret.metadata, resourceVersion: existing.body.metadata.resourceVersion}})
  else await api(kube, 'POST', objectPath(secret, kube.namespace, false), secret)
}

function listEntry(release) {
  return {name: release.name, namespace: release.namespace, revision: String(release.version), updated: release.info.last_deployed, status: release.info.status, chart: `vault-${release.chart.metadata.version}`, app_version: release.chart.metadata.appVersion}
}

async function list() {
  const kube = cluster()
  const latest = (await releases(kube)).at(-1)
  const shown = latest && (flags.all || ['deployed', 'failed'].includes(latest.info.status)) && (!flags.filter || new RegExp(flags.filter).test(latest.name))
  print(JSON.stringify(shown ? [listEntry(latest)] : []))
}

async function getValues([sub, name]) {
  if (sub !== 'values') throw new HelmError(`unknown command "${sub}" for "helm get"`)
  const latest = (await releases(cluster())).at(-1)
  if (!latest || latest.name !== name) throw new HelmError('release: not found')
  print(JSON.stringify(Object.keys(latest.config).length ? latest.config : null))
}

// ── install / upgrade / uninstall ─────────────────────────────────────────────────────────────────────────────
function userValues() {
  let values = {}
  for (const file of flags.values) values = merge(values, parse(readFileSync(file, 'utf8')) ?? {})
  for (const expression of flags.set) {
    for (const assignment of expression.split(',')) {
      const at = assignment.indexOf('=')
      const path = assignment.slice(0, at).split('.')
      const raw = assignment.slice(at + 1)
      const value = /^(true|false)$/i.test(raw) ? raw.toLowerCase() === 'true' : /^null$/i.test(raw) ? null : /^-?(0|[1-9]\d*)$/.test(raw) ? Number(raw) : raw
      values = merge(values, path.reduceRight((inner, key) => ({[key]: inner}), value))
    }
  }
  return values
}

function merge(base, overlay) {
  const out = {...base}
  for (const [key, value] of Object.entries(overlay)) {
    const isMap = (v) => v && typeof v === 'object' && !Array.isArray(v)
    out[key] = isMap(out[key]) && isMap(value) ? merge(out[key], value) : value
  }
  return out
}

async function upgrade([name, chart]) {
  if (process.env.HELM_DOUBLE_HANG_PIDFILE) {
    // Written whole, then renamed into place: a test watching the directory never reads a half-written file.
    writeFileSync(`${process.env.HELM_DOUBLE_HANG_PIDFILE}.tmp`, String(process.pid))
    renameSync(`${process.env.HELM_DOUBLE_HANG_PIDFILE}.tmp`, process.env.HELM_DOUBLE_HANG_PIDFILE)
    await new Promise(() => setInterval(() => {}, 1000))
  }
  if (!flags.install) throw new HelmError('the helm test double supports upgrade --install only')
  if (chart !== 'hashicorp/vault') throw new HelmError(`repo ${chart.split('/')[0]} not found`)
  if (!repositories().some((r) => r.name === 'hashicorp')) throw new HelmError('repo hashicorp not found')
  if (flags.version && flags.version !== CHART_VERSION) {
    throw new HelmError(`chart "vault" matching ${flags.version} not found in hashicorp index. (try 'helm repo update'): no chart version found for vault-${flags.version}`)
  }
  const kube = cluster()
  const history = await releases(kube)
  const previous = history.at(-1)
  const installing = !previous || !history.some((r) => r.info.status === 'deployed')
  const config = userValues()
  let objects
  try {
    objects = render(config, kube.namespace)
  } catch (error) {
    throw new HelmError(`${installing ? 'INSTALLATION' : 'UPGRADE'} FAILED: ${error.message}`)
  }
  if (installing) print(`Release "${name}" does not exist. Installing it now.`)
  if (flags['create-namespace'] && (await api(kube, 'GET', `/api/v1/namespaces/${kube.namespace}`)).status === 404) {
    await api(kube, 'POST', '/api/v1/namespaces', {apiVersion: 'v1', kind: 'Namespace', metadata: {name: kube.namespace}})
  }
  const now = new Date().toISOString()
  const release = {
    name,
    namespace: kube.namespace,
    version: (previous?.version ?? 0) + 1,
    info: {first_deployed: previous?.info.first_deployed ?? now, last_deployed: now, status: installing ? 'pending-install' : 'pending-upgrade', description: ''},
    chart: {metadata: {name: 'vault', version: CHART_VERSION, appVersion: APP_VERSION}},
    config,
    manifest: objects.map((o) => stringify(o)).join('---\n'),
  }
  await saveRelease(kube, release)
  const ordered = [...objects].sort((a, b) => INSTALL_ORDER.indexOf(a.kind) - INSTALL_ORDER.indexOf(b.kind))
  for (const obj of ordered) {
    let response = await api(kube, 'POST', objectPath(obj, kube.namespace, false), obj)
    if (response.status === 409 && !installing) {
      const current = await api(kube, 'GET', objectPath(obj, kube.namespace))
      response = await api(kube, 'PUT', objectPath(obj, kube.namespace), {...obj, metadata: {...obj.metadata, resourceVersion: current.body.metadata.resourceVersion}})
    }
    if (response.status >= 300) {
      release.info.status = 'failed'
      release.info.description = `Release "${name}" failed: ${response.body?.message}`
      await saveRelease(kube, release)
      throw new HelmError(`${installing ? 'INSTALLATION' : 'UPGRADE'} FAILED: failed to create resource: ${response.body?.message ?? response.status}`)
    }
  }
  if (previous) {
    previous.info.status = 'superseded'
    await saveRelease(kube, previous)
  }
  release.info.status = 'deployed'
  release.info.description = installing ? 'Install complete' : 'Upgrade complete'
  await saveRelease(kube, release)
  if (!installing) print(`Release "${name}" has been upgraded. Happy Helming!`)
  print(`NAME: ${name}\nLAST DEPLOYED: ${new Date(now).toUTCString()}\nNAMESPACE: ${kube.namespace}\nSTATUS: deployed\nREVISION: ${release.version}\nNOTES:\nThank you for installing HashiCorp Vault!\n\nNow that you have deployed Vault, you should look over the docs on using\nVault with Kubernetes available here:\n\nhttps://developer.hashicorp.com/vault/docs\n\n\nYour release is named ${name}. To learn more about the release, try:\n\n  $ helm status ${name}\n  $ helm get manifest ${name}`)
}

async function uninstall([name]) {
  const kube = cluster()
  const history = await releases(kube)
  const latest = history.at(-1)
  if (!latest || latest.name !== name) throw new HelmError(`uninstall: Release not loaded: ${name}: release: not found`)
  const objects = latest.manifest.split('---\n').filter((text) => text.trim()).map((text) => parse(text))
  const ordered = [...objects].sort((a, b) => INSTALL_ORDER.indexOf(b.kind) - INSTALL_ORDER.indexOf(a.kind))
  for (const obj of ordered) {
    const {status, body} = await api(kube, 'DELETE', `${objectPath(obj, kube.namespace)}?propagationPolicy=Background`)
    if (status >= 300 && status !== 404) throw new HelmError(`uninstallation completed with 1 error(s): ${body?.message ?? status}`)
  }
  for (const release of history) await api(kube, 'DELETE', `/api/v1/namespaces/${kube.namespace}/secrets/sh.helm.release.v1.${name}.v${release.version}`)
  print(`release "${name}" uninstalled`)
}
