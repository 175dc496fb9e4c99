import type {Cluster} from '../cluster.js'
import type {Container, KubeObject} from '../types.js'

interface EnvVar {
  name: string
  value?: string
  valueFrom?: {fieldRef?: {fieldPath: string}; configMapKeyRef?: {name: string; key: string}; secretKeyRef?: {name: string; key: string}}
}

interface ServicePort {
  name?: string
  port: number
  protocol?: string
}

/**
 * The environment a container process starts with, as the kubelet builds it (pkg/kubelet/kubelet_pods.go,
 * makeEnvironmentVariables): the Service variables first, then the container's `env` in order, each value's `$(VAR)`
 * references expanded against what is defined so far (third_party/forked/golang/expansion), `valueFrom.fieldRef`
 * resolved from the pod (podFieldSelectorRuntimeValue). PATH and HOME come from the image.
 */
export function containerEnv(cluster: Cluster, pod: KubeObject, container: Container, image: {PATH: string; HOME: string}): Record<string, string> {
  const services = serviceEnv(cluster, pod)
  const env: Record<string, string> = {...image, HOSTNAME: pod.metadata.name, ...services}
  const resolved: Record<string, string> = {...services}
  for (const e of (container.env ?? []) as EnvVar[]) {
    let value: string | undefined
    if (e.value !== undefined) value = expand(e.value, resolved)
    else if (e.valueFrom?.fieldRef) value = fieldValue(pod, e.valueFrom.fieldRef.fieldPath)
    else if (e.valueFrom?.configMapKeyRef) value = cluster.store.get('configmaps', pod.metadata.namespace, e.valueFrom.configMapKeyRef.name)?.data?.[e.valueFrom.configMapKeyRef.key]
    else if (e.valueFrom?.secretKeyRef) {
      const data = cluster.store.get('secrets', pod.metadata.namespace, e.valueFrom.secretKeyRef.name)?.data?.[e.valueFrom.secretKeyRef.key]
      value = data === undefined ? undefined : Buffer.from(data, 'base64').toString()
    }
    if (value === undefined) continue
    resolved[e.name] = value
    env[e.name] = value
  }
  return env
}

/** pkg/kubelet/envvars/envvars.go FromServices, over the pod's namespace's Services and the master `kubernetes` one. */
function serviceEnv(cluster: Cluster, pod: KubeObject): Record<string, string> {
  const ns = pod.metadata.namespace!
  // kubelet_pods.go getServiceEnvVarMap: the kubernetes Service always; the namespace's only with enableServiceLinks (default true)
  const services = new Map<string, KubeObject>()
  const master = cluster.store.get('services', 'default', 'kubernetes')
  if (pod.spec.enableServiceLinks !== false) for (const s of cluster.store.list('services', ns)) services.set(s.metadata.name, s)
  if (master) services.set('kubernetes', master)
  const out: Record<string, string> = {}
  for (const svc of [...services.values()].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))) {
    const ip = svc.spec?.clusterIP as string | undefined
    if (!ip || ip === 'None') continue
    const ports = (svc.spec.ports ?? []) as ServicePort[]
    if (!ports.length) continue
    const name = makeEnvVariableName(svc.metadata.name)
    out[`${name}_SERVICE_HOST`] = ip
    out[`${name}_SERVICE_PORT`] = String(ports[0].port)
    for (const p of ports) if (p.name) out[`${name}_SERVICE_PORT_${makeEnvVariableName(p.name)}`] = String(p.port)
    // makeLinkVariables
    ports.forEach((p, i) => {
      const protocol = p.protocol ?? 'TCP'
      const prefix = `${name}_PORT_${p.port}_${protocol.toUpperCase()}`
      if (i === 0) out[`${name}_PORT`] = `${protocol.toLowerCase()}://${ip}:${p.port}`
      out[prefix] = `${protocol.toLowerCase()}://${ip}:${p.port}`
      out[`${prefix}_PROTO`] = protocol.toLowerCase()
      out[`${prefix}_PORT`] = String(p.port)
      out[`${prefix}_ADDR`] = ip
    })
  }
  return out
}

const makeEnvVariableName = (s: string) => s.toUpperCase().replaceAll('-', '_')

/** pkg/api/v1/pod ConvertDownwardAPIFieldLabel + kubelet podFieldSelectorRuntimeValue. */
function fieldValue(pod: KubeObject, path: string): string | undefined {
  const subscript = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path)
  if (subscript) return pod.metadata[subscript[1] as 'labels' | 'annotations']?.[subscript[2]] ?? ''
  const status = pod.status ?? {}
  switch (path) {
    case 'metadata.name':
      return pod.metadata.name
    case 'metadata.namespace':
      return pod.metadata.namespace
    case 'metadata.uid':
      return pod.metadata.uid
    case 'spec.nodeName':
      return pod.spec.nodeName ?? ''
    case 'spec.serviceAccountName':
      return pod.spec.serviceAccountName ?? ''
    case 'status.hostIP':
      return status.hostIP ?? ''
    case 'status.hostIPs':
      return ((status.hostIPs ?? []) as Array<{ip: string}>).map((x) => x.ip).join(',')
    case 'status.podIP':
      return status.podIP ?? ''
    case 'status.podIPs':
      return ((status.podIPs ?? []) as Array<{ip: string}>).map((x) => x.ip).join(',')
  }
  return undefined
}

/** `$(VAR)` expands to a defined variable, `$$` is a literal `$`, an undefined reference stays as written. */
function expand(value: string, defined: Record<string, string>): string {
  return value.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name: string | undefined) => (m === '$$' ? '$' : name !== undefined && name in defined ? defined[name] : m))
}
