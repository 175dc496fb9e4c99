// Injected failures: added latency, failed and dropped requests, optionally by path prefix.
import type {WireResponse} from './http-wire.js'

export type FailStatus = 500 | 502 | 503 | 504

export type FaultAction = {kind: 'drop'} | {kind: 'fail'; response: WireResponse}

interface Rule {
  kind: 'fail' | 'drop'
  remaining: number
  status: FailStatus
  prefix: string
}

/** Accepts "/v1/sys/mounts", "v1/sys/mounts" or "sys/mounts" alike. */
function normalizePrefix(prefix: string | undefined): string {
  return (prefix ?? '').replace(/^\/+/, '').replace(/^v1\//, '')
}

/**
 * 500 is Vault's own internal error; 502/503/504 come from whatever proxy sits in front of
 * Vault (an ingress, a port-forward), so they are plain HTML like nginx writes.
 */
function failure(status: FailStatus): WireResponse {
  if (status === 500) {
    return {status, headers: {'Cache-Control': 'no-store', 'Content-Type': 'application/json'}, body: '{"errors":["internal error"]}\n'}
  }
  const text = {502: 'Bad Gateway', 503: 'Service Temporarily Unavailable', 504: 'Gateway Time-out'}[status]
  return {
    status,
    headers: {'Content-Type': 'text/html'},
    body: `<html>\r\n<head><title>${status} ${text}</title></head>\r\n<body>\r\n<center><h1>${status} ${text}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`,
  }
}

export class Faults {
  latency = 0
  /** Never answer (a Vault that accepts connections and hangs). */
  hang = false
  private readonly rules: Rule[] = []
  private readonly gates: {prefix: string; method: string; waiting: (() => void)[]; size: number}[] = []

  /** Holds the next `n` requests with this method and path prefix until all `n` have arrived: forces a race. */
  gateNext(n: number, method: string, pathPrefix: string): void {
    this.gates.push({prefix: normalizePrefix(pathPrefix), method, waiting: [], size: n})
  }

  async passGate(method: string, path: string): Promise<void> {
    const gate = this.gates.find((g) => g.method === method && path.startsWith(g.prefix))
    if (gate === undefined) return
    const arrived = new Promise<void>((resolve) => gate.waiting.push(resolve))
    if (gate.waiting.length === gate.size) {
      this.gates.splice(this.gates.indexOf(gate), 1)
      for (const release of gate.waiting) release()
    }
    await arrived
  }

  failNext(n: number, status: FailStatus, pathPrefix?: string): void {
    this.rules.push({kind: 'fail', remaining: n, status, prefix: normalizePrefix(pathPrefix)})
  }

  dropNext(n: number, pathPrefix?: string): void {
    this.rules.push({kind: 'drop', remaining: n, status: 500, prefix: normalizePrefix(pathPrefix)})
  }

  /** The fault for a request to `path` (without /v1/), consuming one use of the first matching rule. */
  take(path: string): FaultAction | undefined {
    const rule = this.rules.find((r) => r.remaining > 0 && path.startsWith(r.prefix))
    if (rule === undefined) return undefined
    rule.remaining--
    if (rule.remaining === 0) this.rules.splice(this.rules.indexOf(rule), 1)
    return rule.kind === 'drop' ? {kind: 'drop'} : {kind: 'fail', response: failure(rule.status)}
  }
}
