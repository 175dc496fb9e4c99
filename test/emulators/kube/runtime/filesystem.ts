import type {Container, PodSpec} from '../types.js'

/** The files of one volume (or of one container's root filesystem), keyed by path relative to its root. */
class FileTree {
  readonly files = new Map<string, string>()
  readonly dirs = new Set<string>([''])

  isDir(rel: string): boolean {
    if (this.dirs.has(rel)) return true
    const prefix = rel + '/'
    return [...this.files.keys(), ...this.dirs].some((p) => p.startsWith(prefix))
  }

  children(rel: string): string[] {
    const prefix = rel ? rel + '/' : ''
    const names = new Set<string>()
    for (const p of [...this.files.keys(), ...this.dirs]) {
      if (p && p.startsWith(prefix)) names.add(p.slice(prefix.length).split('/')[0])
    }
    return [...names]
  }

  write(rel: string, content: string): void {
    this.files.set(rel, content)
    const parts = rel.split('/')
    for (let i = 1; i < parts.length; i++) this.dirs.add(parts.slice(0, i).join('/'))
  }
}

export type Stat = {type: 'file'; content: string} | {type: 'dir'} | undefined

function normalize(path: string): string {
  const out: string[] = []
  for (const seg of path.split('/')) {
    if (!seg || seg === '.') continue
    if (seg === '..') out.pop()
    else out.push(seg)
  }
  return out.join('/')
}

const BASE_DIRS = ['bin', 'dev', 'etc', 'home', 'proc', 'root', 'run', 'sbin', 'sys', 'tmp', 'usr', 'usr/bin', 'var', 'var/run']

/**
 * A pod's filesystems: each volume is shared by the containers that mount it (so what the agent renders into
 * `vault-secrets` is what the app container sees); the rest of each container's tree is its own.
 */
export class PodFilesystem {
  private readonly volumes = new Map<string, FileTree>()
  private readonly roots = new Map<string, FileTree>()

  constructor(
    private readonly spec: PodSpec,
    podName: string,
    namespace: string,
  ) {
    for (const c of this.containers()) {
      const root = new FileTree()
      for (const d of BASE_DIRS) root.dirs.add(d)
      root.write('etc/hostname', `${podName}\n`)
      root.write('etc/hosts', `127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n`)
      root.write('etc/resolv.conf', `search ${namespace}.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n`)
      this.roots.set(c.name, root)
    }
  }

  hasContainer(name: string): boolean {
    return this.roots.has(name)
  }

  /** Writes a file as seen from a container (through its mounts). */
  write(container: string, path: string, content: string): void {
    const {tree, rel} = this.resolve(container, path)
    tree.write(rel, content)
  }

  /** Creates a directory as seen from a container. */
  mkdir(container: string, path: string): void {
    const {tree, rel} = this.resolve(container, path)
    const parts = rel.split('/')
    for (let i = 1; i <= parts.length; i++) tree.dirs.add(parts.slice(0, i).join('/'))
  }

  /** Writes into a volume directly, as the kubelet does for projected volumes. */
  writeVolume(volume: string, rel: string, content: string): void {
    this.volume(volume).write(normalize(rel), content)
  }

  stat(container: string, path: string): Stat {
    const abs = normalize(path)
    const {tree, rel} = this.resolve(container, path)
    const file = tree.files.get(rel)
    if (file !== undefined && rel !== '') return {type: 'file', content: file}
    if (tree.isDir(rel) || this.mountPoints(container).some((m) => m === abs || m.startsWith(abs ? abs + '/' : ''))) return {type: 'dir'}
    return undefined
  }

  list(container: string, path: string): string[] {
    const abs = normalize(path)
    const {tree, rel} = this.resolve(container, path)
    const names = new Set(tree.children(rel))
    const prefix = abs ? abs + '/' : ''
    for (const m of this.mountPoints(container)) if (m.startsWith(prefix) && m !== abs) names.add(m.slice(prefix.length).split('/')[0])
    return [...names].sort()
  }

  private containers(): Container[] {
    return [...(this.spec.initContainers ?? []), ...this.spec.containers, ...((this.spec.ephemeralContainers as Container[] | undefined) ?? [])]
  }

  private mountsOf(container: string): Array<{path: string; volume: string}> {
    const c = this.containers().find((x) => x.name === container)
    return (c?.volumeMounts ?? []).map((m) => ({path: normalize(m.mountPath), volume: m.name}))
  }

  private mountPoints(container: string): string[] {
    return this.mountsOf(container).map((m) => m.path)
  }

  private resolve(container: string, path: string): {tree: FileTree; rel: string} {
    const abs = normalize(path)
    const mount = this.mountsOf(container)
      .filter((m) => abs === m.path || abs.startsWith(m.path + '/'))
      .sort((a, b) => b.path.length - a.path.length)[0]
    if (mount) return {tree: this.volume(mount.volume), rel: abs.slice(mount.path.length).replace(/^\//, '')}
    const root = this.roots.get(container)
    if (!root) throw new Error(`kube emulator: no container ${container}`)
    return {tree: root, rel: abs}
  }

  private volume(name: string): FileTree {
    let tree = this.volumes.get(name)
    if (!tree) this.volumes.set(name, (tree = new FileTree()))
    return tree
  }
}
