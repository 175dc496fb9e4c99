import type * as ClientNode from '@kubernetes/client-node'
import type {Cluster, Context, KubeConfig, User} from '@kubernetes/client-node'
import {existsSync, readFileSync} from 'node:fs'
import {homedir} from 'node:os'
import path from 'node:path'

import {VsiError, inputError, usageError} from '../errors.js'
import {debug} from '../output/debug.js'

/** Cluster selection as the kubectl flags express it (see kubeFlags in src/flags.ts). */
export interface KubeConfigOptions {
  kubeconfig?: string
  context?: string
  namespace?: string
}

export interface LoadedKubeConfig {
  kc: KubeConfig
  /** The context in use; undefined only in-cluster. */
  context?: string
  /** The default namespace: --namespace, else the context's, else `default`. */
  namespace: string
  server: string
  /** Where the configuration came from, for debug output and errors. */
  source: string
}

const IN_CLUSTER_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token'

/**
 * The build bundles client-node into one minified file (`npm run build:vendor`): it loads in about a third of the
 * time the package's hundreds of modules take. Running from source (tests of src/, bin/dev.js) there is no bundle and
 * the package itself is loaded; both are the same code.
 */
const bundledClientNode = new URL('../vendor/client-node.js', import.meta.url)

/** client-node is the heaviest import vsi has: only the commands that talk to a cluster pay for it. */
export function loadClientNode(): Promise<typeof ClientNode> {
  if (existsSync(bundledClientNode)) return import(bundledClientNode.href) as Promise<typeof ClientNode>
  return import('@kubernetes/client-node')
}

interface ParsedFile {
  clusters: Cluster[]
  users: User[]
  contexts: Context[]
  currentContext?: string
}

async function parseFile(file: string): Promise<ParsedFile | undefined> {
  const text = readFileSync(file, 'utf8')
  if (text.trim() === '') return undefined
  const {KubeConfig} = await loadClientNode()
  const kc = new KubeConfig()
  try {
    kc.loadFromString(text)
  } catch (error) {
    throw inputError(`invalid kubeconfig ${file}: ${(error as Error).message}`)
  }
  // Relative certificate and key paths are relative to the file that names them, as in kubectl.
  kc.makePathsAbsolute(path.dirname(path.resolve(file)))
  return {clusters: kc.clusters ?? [], users: kc.users ?? [], contexts: kc.contexts ?? [], currentContext: kc.currentContext || undefined}
}

/**
 * kubectl's merge rules, which client-node's loadFromDefault does not follow: missing files are skipped, the first
 * definition of a name wins, and the first file that sets current-context decides it.
 */
function mergeFiles(files: ParsedFile[]): ParsedFile {
  const firstByName = <T extends {name: string}>(lists: T[][]): T[] => {
    const seen = new Map<string, T>()
    for (const item of lists.flat()) if (!seen.has(item.name)) seen.set(item.name, item)
    return [...seen.values()]
  }
  return {
    clusters: firstByName(files.map((f) => f.clusters)),
    users: firstByName(files.map((f) => f.users)),
    contexts: firstByName(files.map((f) => f.contexts)),
    currentContext: files.find((f) => f.currentContext)?.currentContext,
  }
}

function kubeconfigFiles(explicit: string | undefined): {files: string[]; source: string} {
  if (explicit !== undefined) {
    if (!existsSync(explicit)) throw usageError(`--kubeconfig ${explicit}: no such file`)
    return {files: [explicit], source: explicit}
  }
  const list = process.env.KUBECONFIG
  if (list) {
    const files = list.split(path.delimiter).filter((file) => file !== '')
    return {files: files.filter((file) => existsSync(file)), source: `KUBECONFIG=${list}`}
  }
  const home = path.join(homedir(), '.kube', 'config')
  return {files: existsSync(home) ? [home] : [], source: home}
}

function noClusterError(source: string): VsiError {
  return new VsiError(`no Kubernetes cluster configured: no kubeconfig found (looked at ${source}) and not running inside a cluster`, {
    code: 'kube-config-missing',
    hint: 'Start a cluster (e.g. `minikube start`, which writes ~/.kube/config), or pass --kubeconfig / set KUBECONFIG.',
  })
}

/** Loads the kubeconfig exactly as kubectl would resolve it for the same flags and environment. */
export async function loadKubeConfig(options: KubeConfigOptions = {}): Promise<LoadedKubeConfig> {
  const {files, source} = kubeconfigFiles(options.kubeconfig)
  const {KubeConfig} = await loadClientNode()
  const kc = new KubeConfig()
  const parsed = (await Promise.all(files.map((file) => parseFile(file)))).filter((file) => file !== undefined)

  if (parsed.length === 0) {
    if (options.kubeconfig === undefined && process.env.KUBERNETES_SERVICE_HOST && existsSync(IN_CLUSTER_TOKEN)) {
      kc.loadFromCluster()
      const context = kc.getContextObject(kc.getCurrentContext())
      debug('kube: using the in-cluster service account')
      return {kc, namespace: options.namespace ?? context?.namespace?.trim() ?? 'default', server: kc.getCurrentCluster()?.server ?? '', source: 'in-cluster'}
    }
    throw noClusterError(source)
  }

  const merged = mergeFiles(parsed)
  // kubectl talks plain HTTP to an http:// server; client-node refuses unless skipTLSVerify is set, which is moot without TLS.
  const clusters = merged.clusters.map((cluster) => (cluster.server.startsWith('http:') ? {...cluster, skipTLSVerify: true} : cluster))
  const contextName = options.context ?? merged.currentContext
  kc.loadFromOptions({clusters, users: merged.users, contexts: merged.contexts, currentContext: contextName})

  if (contextName === undefined) {
    throw new VsiError(`the kubeconfig (${source}) has no current context`, {
      code: 'kube-config-missing',
      hint: `Pass --context (one of: ${merged.contexts.map((c) => c.name).join(', ') || 'none defined'}) or run \`kubectl config use-context NAME\`.`,
    })
  }
  const context = kc.getContextObject(contextName)
  if (!context) {
    throw usageError(
      `context "${contextName}" does not exist in the kubeconfig (${source})`,
      `Known contexts: ${merged.contexts.map((c) => c.name).join(', ') || 'none'}.`,
    )
  }
  const cluster = kc.getCluster(context.cluster)
  if (!cluster) throw inputError(`context "${contextName}" refers to cluster "${context.cluster}", which the kubeconfig (${source}) does not define`)
  debug(`kube: context ${contextName}, server ${cluster.server}, from ${source}`)
  return {kc, context: contextName, namespace: options.namespace ?? (context.namespace || 'default'), server: cluster.server, source}
}
