import type {WebSocket} from 'ws'

import {VsiError} from '../errors.js'
import type {KubeOperation} from './errors.js'
import {timeoutError} from './errors.js'
import type {OpenWebSocket} from './websocket.js'
import {splitFrame} from './websocket.js'

export interface ExecOptions {
  container: string
  /** Hard limit for the whole call, connection included. */
  timeoutMs: number
  signal?: AbortSignal
  /** Output beyond this is dropped and `truncated` is set (default 4 MiB). */
  maxOutputBytes?: number
}

export interface ExecResult {
  /** The command's exit code; null when the runtime could not run it at all (see `message`). */
  exitCode: number | null
  stdout: Buffer
  stderr: Buffer
  /** The Status message for failures, e.g. `command terminated with non-zero exit code: …`. */
  message?: string
  truncated: boolean
}

interface ExecStatus {
  status?: string
  message?: string
  reason?: string
  details?: {causes?: Array<{reason?: string; message?: string}>}
}

const STDOUT = 1
const STDERR = 2
const STATUS = 3
const DEFAULT_MAX_OUTPUT = 4 * 1024 * 1024

/** Channel 3 carries a metav1.Status as JSON (v4/v5); the v1–v3 protocols put plain error text there. */
function parseStatus(payload: Buffer): ExecStatus {
  const text = payload.toString('utf8')
  try {
    return JSON.parse(text) as ExecStatus
  } catch {
    return text.trim() === '' ? {status: 'Success'} : {status: 'Failure', message: text.trim()}
  }
}

function exitCodeOf(status: ExecStatus): number | null {
  if (status.status === 'Success') return 0
  const code = status.details?.causes?.find((cause) => cause.reason === 'ExitCode')?.message
  return code !== undefined && /^\d+$/.test(code) ? Number(code) : null
}

/**
 * Runs a command in a container and collects its output and exit status, as `kubectl exec` does. Rejects with a
 * VsiError when the exec is refused (the API server's Status is kept), when the stream closes before the exit status
 * arrives, or when `timeoutMs` runs out; a command that runs and fails resolves with its exit code.
 */
export async function execInPod(
  open: OpenWebSocket,
  namespace: string,
  pod: string,
  command: string[],
  options: ExecOptions,
): Promise<ExecResult> {
  const query = new URLSearchParams({stdout: 'true', stderr: 'true', stdin: 'false', tty: 'false', container: options.container})
  for (const arg of command) query.append('command', arg)
  const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/exec?${query.toString()}`
  const op: KubeOperation = {verb: 'create', resource: 'pods/exec', kind: 'pod', name: pod, namespace}
  const what = `running \`${command.join(' ')}\` in ${pod}/${options.container}`
  const deadline = AbortSignal.timeout(options.timeoutMs)
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline

  const maxBytes = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT
  const stdout: Buffer[] = []
  const stderr: Buffer[] = []
  let received = 0
  let truncated = false

  return new Promise<ExecResult>((resolve, reject) => {
    let socket: WebSocket | undefined
    let settled = false
    const finish = (outcome: () => void) => {
      if (settled) return
      settled = true
      signal.removeEventListener('abort', onAbort)
      outcome()
    }
    const onAbort = () =>
      finish(() => {
        socket?.terminate()
        reject(timeoutError(what))
      })
    signal.addEventListener('abort', onAbort, {once: true})

    const onMessage = (data: unknown, isBinary: boolean) => {
      const frame = splitFrame(data, isBinary)
      if (!frame || frame.payload.length === 0) return
      if (frame.channel === STDOUT || frame.channel === STDERR) {
        received += frame.payload.length
        if (received > maxBytes) {
          truncated = true
          return
        }
        ;(frame.channel === STDOUT ? stdout : stderr).push(Buffer.from(frame.payload))
      } else if (frame.channel === STATUS) {
        const status = parseStatus(frame.payload)
        finish(() => {
          socket?.close()
          resolve({exitCode: exitCodeOf(status), stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr), message: status.message, truncated})
        })
      }
    }
    const onClose = (code: number) =>
      finish(() =>
        reject(
          new VsiError(`the exec stream for ${what} closed before the command's exit status arrived (WebSocket close ${code}, ${received} bytes received)`, {
            code: 'kube-exec-dropped',
            hint: 'The connection to the API server or the kubelet dropped mid-way: retry; if it persists, check the node of this pod.',
          }),
        ),
      )
    open(path, op, {onMessage, onClose}, signal).then(
      (opened) => {
        socket = opened
        if (settled) opened.terminate()
      },
      (error: unknown) => finish(() => reject(error instanceof VsiError && error.code === 'timeout' ? timeoutError(what) : error)),
    )
  })
}
