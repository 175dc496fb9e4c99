/**
 * Decodes the protobuf request bodies kubectl sends for built-in kinds (`kubectl create sa|ns|secret|configmap|
 * token|clusterrolebinding` and `kubectl auth can-i` use `application/vnd.kubernetes.protobuf`): the `k8s\0` +
 * runtime.Unknown envelope and the fields of those messages (k8s.io/api generated.proto). Unknown fields are skipped;
 * `kubectl create deployment|job|cronjob` too; other kinds get 415.
 */
type FieldType = 'string' | 'int64' | 'bool' | 'bytes' | Schema | {map: 'string' | 'bytes'} | {repeated: 'string' | Schema}
interface Schema {
  [field: number]: [string, FieldType]
}

const typeMeta: Schema = {1: ['apiVersion', 'string'], 2: ['kind', 'string']}
const ownerReference: Schema = {5: ['apiVersion', 'string'], 1: ['kind', 'string'], 3: ['name', 'string'], 4: ['uid', 'string'], 6: ['controller', 'bool'], 7: ['blockOwnerDeletion', 'bool']}
const objectMeta: Schema = {
  1: ['name', 'string'],
  2: ['generateName', 'string'],
  3: ['namespace', 'string'],
  5: ['uid', 'string'],
  6: ['resourceVersion', 'string'],
  11: ['labels', {map: 'string'}],
  12: ['annotations', {map: 'string'}],
  13: ['ownerReferences', {repeated: ownerReference}],
  14: ['finalizers', {repeated: 'string'}],
}
const objectReference: Schema = {1: ['kind', 'string'], 2: ['namespace', 'string'], 3: ['name', 'string'], 4: ['uid', 'string'], 5: ['apiVersion', 'string']}
const localObjectReference: Schema = {1: ['name', 'string']}

// k8s.io/api core/v1 and apps/v1 generated.proto, the fields `kubectl create deployment` sends
const container: Schema = {
  1: ['name', 'string'],
  2: ['image', 'string'],
  3: ['command', {repeated: 'string'}],
  4: ['args', {repeated: 'string'}],
  5: ['workingDir', 'string'],
  6: ['ports', {repeated: {1: ['name', 'string'], 3: ['containerPort', 'int64'], 4: ['protocol', 'string'], 5: ['hostIP', 'string']}}],
  7: ['env', {repeated: {1: ['name', 'string'], 2: ['value', 'string']}}],
  8: ['resources', {}],
  14: ['imagePullPolicy', 'string'],
}
const podSpec: Schema = {2: ['containers', {repeated: container}], 3: ['restartPolicy', 'string'], 8: ['serviceAccountName', 'string'], 20: ['initContainers', {repeated: container}]}
const labelSelector: Schema = {1: ['matchLabels', {map: 'string'}]}

// k8s.io/api batch/v1 generated.proto: what `kubectl create job|cronjob` (and `create job --from=cronjob/…`) send
const podTemplateSpec: Schema = {1: ['metadata', objectMeta], 2: ['spec', podSpec]}
const jobSpec: Schema = {
  1: ['parallelism', 'int64'],
  2: ['completions', 'int64'],
  3: ['activeDeadlineSeconds', 'int64'],
  4: ['selector', labelSelector],
  5: ['manualSelector', 'bool'],
  6: ['template', podTemplateSpec],
  7: ['backoffLimit', 'int64'],
  8: ['ttlSecondsAfterFinished', 'int64'],
  9: ['completionMode', 'string'],
  10: ['suspend', 'bool'],
  14: ['podReplacementPolicy', 'string'],
}
const cronJobSpec: Schema = {
  1: ['schedule', 'string'],
  2: ['startingDeadlineSeconds', 'int64'],
  3: ['concurrencyPolicy', 'string'],
  4: ['suspend', 'bool'],
  5: ['jobTemplate', {1: ['metadata', objectMeta], 2: ['spec', jobSpec]}],
  6: ['successfulJobsHistoryLimit', 'int64'],
  7: ['failedJobsHistoryLimit', 'int64'],
  8: ['timeZone', 'string'],
}

const roleBinding: Schema = {
  1: ['metadata', objectMeta],
  2: ['subjects', {repeated: {1: ['kind', 'string'], 2: ['apiGroup', 'string'], 3: ['name', 'string'], 4: ['namespace', 'string']}}],
  3: ['roleRef', {1: ['apiGroup', 'string'], 2: ['kind', 'string'], 3: ['name', 'string']}],
}
const policyRule: Schema = {1: ['verbs', {repeated: 'string'}], 2: ['apiGroups', {repeated: 'string'}], 3: ['resources', {repeated: 'string'}], 4: ['resourceNames', {repeated: 'string'}], 5: ['nonResourceURLs', {repeated: 'string'}]}

const KINDS: Record<string, Schema> = {
  Job: {1: ['metadata', objectMeta], 2: ['spec', jobSpec]},
  CronJob: {1: ['metadata', objectMeta], 2: ['spec', cronJobSpec]},
  Deployment: {
    1: ['metadata', objectMeta],
    2: ['spec', {1: ['replicas', 'int64'], 2: ['selector', labelSelector], 3: ['template', {1: ['metadata', objectMeta], 2: ['spec', podSpec]}], 4: ['strategy', {1: ['type', 'string']}]}],
  },
  ServiceAccount: {1: ['metadata', objectMeta], 2: ['secrets', {repeated: objectReference}], 3: ['imagePullSecrets', {repeated: localObjectReference}], 4: ['automountServiceAccountToken', 'bool']},
  Namespace: {1: ['metadata', objectMeta], 2: ['spec', {1: ['finalizers', {repeated: 'string'}]}]},
  ConfigMap: {1: ['metadata', objectMeta], 2: ['data', {map: 'string'}], 3: ['binaryData', {map: 'bytes'}], 4: ['immutable', 'bool']},
  Secret: {1: ['metadata', objectMeta], 2: ['data', {map: 'bytes'}], 3: ['type', 'string'], 4: ['stringData', {map: 'string'}], 5: ['immutable', 'bool']},
  TokenRequest: {
    1: ['metadata', objectMeta],
    2: [
      'spec',
      {
        1: ['audiences', {repeated: 'string'}],
        4: ['expirationSeconds', 'int64'],
        3: ['boundObjectRef', {1: ['kind', 'string'], 2: ['apiVersion', 'string'], 3: ['name', 'string'], 4: ['uid', 'string']}],
      },
    ],
  },
  // kubectl auth whoami / auth can-i --list (k8s.io/api authentication/v1, authorization/v1 generated.proto)
  SelfSubjectReview: {1: ['metadata', objectMeta]},
  SelfSubjectRulesReview: {1: ['metadata', objectMeta], 2: ['spec', {1: ['namespace', 'string']}]},
  SelfSubjectAccessReview: {
    1: ['metadata', objectMeta],
    2: [
      'spec',
      {
        1: ['resourceAttributes', {1: ['namespace', 'string'], 2: ['verb', 'string'], 3: ['group', 'string'], 4: ['version', 'string'], 5: ['resource', 'string'], 6: ['subresource', 'string'], 7: ['name', 'string']}],
        2: ['nonResourceAttributes', {1: ['path', 'string'], 2: ['verb', 'string']}],
      },
    ],
  },
  ClusterRoleBinding: roleBinding,
  // `kubectl create role|clusterrole|rolebinding` (rbac/v1 generated.proto)
  RoleBinding: roleBinding,
  Role: {1: ['metadata', objectMeta], 2: ['rules', {repeated: policyRule}]},
  ClusterRole: {1: ['metadata', objectMeta], 2: ['rules', {repeated: policyRule}]},
}

class Reader {
  pos = 0
  constructor(private readonly buf: Buffer) {}
  get done() {
    return this.pos >= this.buf.length
  }
  varint(): bigint {
    let result = 0n
    let shift = 0n
    for (;;) {
      const b = this.buf[this.pos++]
      result |= BigInt(b & 0x7f) << shift
      if (!(b & 0x80)) return result
      shift += 7n
    }
  }
  bytes(): Buffer {
    const len = Number(this.varint())
    const out = this.buf.subarray(this.pos, this.pos + len)
    this.pos += len
    return out
  }
  skip(wire: number): void {
    if (wire === 0) this.varint()
    else if (wire === 1) this.pos += 8
    else if (wire === 2) this.bytes()
    else if (wire === 5) this.pos += 4
    else throw new Error(`unsupported wire type ${wire}`)
  }
}

function decode(buf: Buffer, schema: Schema): Record<string, unknown> {
  const r = new Reader(buf)
  const out: Record<string, unknown> = {}
  while (!r.done) {
    const tag = Number(r.varint())
    const field = schema[tag >> 3]
    const wire = tag & 7
    if (!field) {
      r.skip(wire)
      continue
    }
    const [name, type] = field
    if (type === 'string') {
      // gogo-protobuf writes every non-pointer string, empty or not; JSON would have omitted it
      const value = r.bytes().toString()
      if (value) out[name] = value
    }
    else if (type === 'bytes') out[name] = r.bytes().toString('base64')
    else if (type === 'int64') out[name] = Number(r.varint())
    else if (type === 'bool') out[name] = r.varint() !== 0n
    else if ('map' in type) {
      const entry = decode(r.bytes(), {1: ['key', 'string'], 2: ['value', type.map as 'string']})
      out[name] = {...(out[name] as object), [String(entry.key ?? '')]: entry.value ?? ''}
    } else if ('repeated' in type) {
      const item = type.repeated === 'string' ? r.bytes().toString() : decode(r.bytes(), type.repeated as Schema)
      out[name] = [...((out[name] as unknown[]) ?? []), item]
    } else out[name] = decode(r.bytes(), type as Schema)
  }
  return out
}

const MAGIC = Buffer.from('k8s\0', 'binary')

/** The JSON object a protobuf body stands for, or undefined when its kind is not one the emulator decodes. */
export function decodeProtobufObject(body: Buffer): Record<string, unknown> | undefined {
  if (!body.subarray(0, 4).equals(MAGIC)) return undefined
  const unknown = decode(body.subarray(4), {1: ['typeMeta', typeMeta], 2: ['raw', 'bytes']})
  const meta = (unknown.typeMeta ?? {}) as {apiVersion?: string; kind?: string}
  const schema = meta.kind ? KINDS[meta.kind] : undefined
  if (!schema) return undefined
  return {apiVersion: meta.apiVersion, kind: meta.kind, ...decode(Buffer.from(String(unknown.raw ?? ''), 'base64'), schema)}
}
