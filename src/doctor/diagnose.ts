/**
 * `vsi doctor` as a whole: one target, or every workload of the apps of a vsi.yaml in one report and one verdict.
 * The spinner, the cluster connection and the output streams are lent by the command (`DiagnoseIo`).
 */
import {usageError, VsiError} from '../errors.js'
import type {KubeClient} from '../kube/client.js'
import type {KubeConfigOptions} from '../kube/config.js'
import type {WorkloadRef} from '../kube/workload.js'
import {formatRef} from '../kube/workload.js'
import {renderDoctorReport} from './report.js'
import {type DoctorOptions, doctorFailed, openDoctorVault, runDoctor} from './run.js'
import type {DoctorResult} from './types.js'

/** `vsi doctor -f vsi.yaml`: one diagnosis per workload of every app, and one verdict. */
export interface SpecDoctorResult {
  file: string
  passed: boolean
  apps: Array<{app: string; namespace: string; workloads: DoctorResult[]}>
  summary: {workloads: number; checks: number; failed: number; warnings: number}
}

/** An app of a vsi.yaml, as far as doctor reads it. */
export interface DoctorApp {
  name: string
  namespace?: string
  workloads: WorkloadRef[]
}

export interface DiagnoseIo {
  json: boolean
  log(text: string): void
  warn(message: string): void
  /** Side remarks on stderr (nothing with --json). */
  notice(line: string): void
  /** One cluster connection for these flags, made on first use. */
  kube(flags: KubeConfigOptions): () => Promise<KubeClient>
  /** A spinner for the whole run. */
  progress(action: string): {update(status: string): void; stop(final: string): void}
}

type DiagnoseFlags = DoctorOptions['flags'] & {offline: boolean; namespace?: string}

/** `vsi doctor TARGET`: every link of one workload, pod or manifest file; throws (exit 1) when a check failed. */
export async function diagnoseTarget(target: string | undefined, flags: DiagnoseFlags, io: DiagnoseIo): Promise<DoctorResult> {
  if (!target) throw usageError('nothing to diagnose: give deployment/NAME, a pod name, a manifest file, or -f vsi.yaml')
  const progress = io.progress(`Checking ${target}`)
  let result: DoctorResult
  try {
    result = await runDoctor({
      target,
      offline: flags.offline,
      flags,
      kube: io.kube(flags),
      notice: (line) => io.notice(line),
      warn: (message) => io.warn(message),
      onProgress: (status) => progress.update(status),
    })
  } finally {
    progress.stop('done')
  }
  if (!io.json) io.log(renderDoctorReport(result))
  if (!result.passed) throw doctorFailed(result)
  return result
}

/** Every workload at once; each diagnosis is the one `vsi doctor deployment/NAME -n NAMESPACE` gives. */
export async function diagnoseApps(file: string, apps: DoctorApp[], flags: DiagnoseFlags, io: DiagnoseIo): Promise<SpecDoctorResult> {
  const progress = io.progress(`Checking ${file}`)
  // One Vault connection (and, for a Vault found in the cluster, one port-forward) for every workload.
  const vault = flags.offline ? undefined : openDoctorVault({flags, notice: (line) => io.notice(line)}, io.kube(flags))
  let results: SpecDoctorResult['apps']
  try {
    results = await Promise.all(
      apps.map(async (app) => {
        const appFlags = {...flags, ...(app.namespace ? {namespace: app.namespace} : {})}
        const kube = io.kube(appFlags)
        const workloads = await Promise.all(
          app.workloads.map((ref) =>
            runDoctor({
              target: formatRef(ref),
              offline: flags.offline,
              flags: appFlags,
              kube,
              // Many workloads at once: their side remarks would interleave.
              notice: () => {},
              warn: (message) => io.warn(message),
              vault: vault?.then((opened) => opened.vault),
            }),
          ),
        )
        return {app: app.name, namespace: workloads[0]?.namespace ?? app.namespace ?? '', workloads}
      }),
    )
  } finally {
    progress.stop('done')
    await (await vault)?.session?.close()
  }
  const all = results.flatMap((app) => app.workloads)
  const summary = {
    workloads: all.length,
    checks: all.reduce((n, r) => n + r.summary.checks, 0),
    failed: all.reduce((n, r) => n + r.summary.failed, 0),
    warnings: all.reduce((n, r) => n + r.summary.warnings, 0),
  }
  const result: SpecDoctorResult = {file, passed: summary.failed === 0, apps: results, summary}
  if (!io.json) {
    for (const app of results) {
      io.log(`app ${app.app}${app.workloads.length === 0 ? ': no workloads' : ''}`)
      for (const workload of app.workloads) io.log(`${renderDoctorReport(workload)}\n`)
    }
    io.log(`${file}: ${summary.workloads} workloads, ${summary.checks} checks, ${summary.failed} failed, ${summary.warnings} warnings`)
  }
  if (!result.passed) throw new VsiError(`${summary.failed} checks failed across ${summary.workloads} workloads of ${file}`, {code: 'doctor-failed', result})
  return result
}
