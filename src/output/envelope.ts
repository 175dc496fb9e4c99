import type {VsiError} from '../errors.js'

/** The `--json` contract. Fields are only ever added, never renamed or removed, within apiVersion vsi/v1. */
export const API_VERSION = 'vsi/v1'

export interface SuccessEnvelope<T> {
  apiVersion: typeof API_VERSION
  command: string
  ok: true
  /** 0, or a success the command reports with its own code (vsi plan --detailed-exitcode: 3, changes pending). */
  exitCode: number
  result: T
  warnings: string[]
}

export interface ErrorEnvelope {
  apiVersion: typeof API_VERSION
  command: string
  ok: false
  exitCode: number
  error: {code: string; message: string; hint?: string}
  result?: unknown
  warnings: string[]
}

export function successEnvelope<T>(command: string, result: T, warnings: string[], exitCode = 0): SuccessEnvelope<T> {
  return {apiVersion: API_VERSION, command, ok: true, exitCode, result, warnings}
}

export function errorEnvelope(command: string, error: VsiError, warnings: string[]): ErrorEnvelope {
  return {
    apiVersion: API_VERSION,
    command,
    ok: false,
    exitCode: error.exitCode,
    error: {code: error.code, message: error.message, ...(error.hint ? {hint: error.hint} : {})},
    ...(error.result === undefined ? {} : {result: error.result}),
    warnings,
  }
}
