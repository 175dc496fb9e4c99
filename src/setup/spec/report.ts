/** The plan and the outcome of a `-f vsi.yaml` run, grouped per app, as lines and as the `--json` result. */
import {formatAction} from '../render.js'
import {planned, type Action, type Step} from '../steps.js'
import type {SpecPlan} from './plan.js'

export interface AppActions {
  name: string
  namespace: string
  actions: Action[]
}

export interface SpecReport {
  shared: Action[]
  apps: AppActions[]
}

export interface Summary {
  create: number
  change: number
  delete: number
  unchanged: number
  /** Prerequisites vsi does not create (a workload, a secret without data): apply fails on them. */
  missing: number
}

export function plannedReport(plan: SpecPlan): SpecReport {
  return {shared: plan.shared.map(planned), apps: plan.apps.map((app) => ({name: app.name, namespace: app.namespace, actions: app.steps.map(planned)}))}
}

/** Puts the actions of a run (in any order) back into the plan's groups and order. */
export function outcomeReport(plan: SpecPlan, actions: Action[]): SpecReport {
  const byId = new Map(actions.map((action) => [action.step, action]))
  const pick = (steps: Step[]) => steps.map((step) => byId.get(step.id) ?? planned(step))
  return {shared: pick(plan.shared), apps: plan.apps.map((app) => ({name: app.name, namespace: app.namespace, actions: pick(app.steps)}))}
}

export const allActions = (report: SpecReport): Action[] => [...report.shared, ...report.apps.flatMap((app) => app.actions)]

export function summarize(report: SpecReport): Summary {
  const actions = allActions(report)
  const count = (status: Action['status']) => actions.filter((action) => action.status === status).length
  return {create: count('create'), change: count('change'), delete: count('delete'), unchanged: count('unchanged'), missing: count('missing')}
}

export function reportLines(report: SpecReport): string[] {
  const group = (title: string, actions: Action[]) => (actions.length === 0 ? [] : [title, ...actions.map((action) => `  ${formatAction(action)}`)])
  return [group('Vault and the cluster (shared)', report.shared), ...report.apps.map((app) => group(`app ${app.name} (namespace ${app.namespace})`, app.actions))].flat()
}

export function planSummaryLine(summary: Summary): string {
  const pending = summary.create + summary.change + summary.delete
  const missing = summary.missing > 0 ? ` ${summary.missing} missing prerequisite${summary.missing === 1 ? '' : 's'} (apply would stop there).` : ''
  if (pending === 0) return `No changes: Vault and the cluster match the file.${missing}`
  return `Plan: ${summary.create} to create, ${summary.change} to change, ${summary.delete} to delete, ${summary.unchanged} unchanged.${missing}`
}
