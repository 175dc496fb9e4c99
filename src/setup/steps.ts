import {VsiError} from '../errors.js'

/** What the plan found for one item: vsi creates, changes or deletes it, it is already right, or it is a prerequisite vsi does not create. */
export type PlanState = 'create' | 'change' | 'delete' | 'unchanged' | 'missing' | 'check'
/** What happened to it. */
export type Outcome = 'created' | 'changed' | 'deleted' | 'unchanged' | 'verified' | 'failed' | 'skipped'

/** One line of output and one entry of the `--json` result. */
export interface Action {
  /** Stable id: kv-mount, secret, auth-method, auth-config, reviewer-service-account, reviewer-binding, reviewer-token, vault-auth-delegator, policy, role, service-account, verify. */
  step: string
  /** The object, in words: `secrets engine internal/ (kv v2)`. */
  target: string
  /** With --dry-run, the plan state; otherwise the outcome. */
  status: PlanState | Outcome
  /** The differences a change makes, or why a step failed or was skipped. Never a secret value. */
  detail?: string
  /** The VsiError code and hint of a failed step. */
  code?: string
  hint?: string
}

export interface Step {
  id: string
  target: string
  state: PlanState
  /** For a change: what differs (field names, never values). For missing: what to do. */
  detail?: string
  /** Ids of steps that must succeed first. */
  after?: string[]
  /** Creates or changes the item (create/change), or runs the check (check). */
  run?: () => Promise<string | void>
}

export function planned(step: Step): Action {
  return {step: step.id, target: step.target, status: step.state, ...(step.detail ? {detail: step.detail} : {})}
}

/**
 * Runs every step as soon as the steps it depends on are done, so independent writes go out together. A failed
 * step does not stop the others; the steps that depend on it are skipped. Calls `onDone` as each step finishes.
 */
export async function applySteps(steps: Step[], onDone: (action: Action) => void): Promise<Action[]> {
  const results = new Map<string, Promise<Action>>()
  const byId = new Map(steps.map((step) => [step.id, step]))
  const run = (step: Step): Promise<Action> => {
    let result = results.get(step.id)
    if (!result) {
      result = runAfterDependencies(step, (id) => {
        const dependency = byId.get(id)
        return dependency ? run(dependency) : undefined
      }).then((action) => {
        onDone(action)
        return action
      })
      results.set(step.id, result)
    }
    return result
  }
  return Promise.all(steps.map((step) => run(step)))
}

async function runAfterDependencies(step: Step, dependency: (id: string) => Promise<Action> | undefined): Promise<Action> {
  const base = {step: step.id, target: step.target}
  const done = await Promise.all((step.after ?? []).map((id) => dependency(id)).filter((p) => p !== undefined))
  const blocker = done.find((action) => action.status === 'failed' || action.status === 'skipped')
  if (step.state === 'unchanged') return {...base, status: 'unchanged'}
  if (step.state === 'missing') return {...base, status: 'failed', detail: step.detail ?? 'missing', code: 'missing-prerequisite'}
  if (blocker) return {...base, status: 'skipped', detail: `needs ${blocker.target}`}
  try {
    const note = await step.run?.()
    const status: Outcome = step.state === 'check' ? 'verified' : step.state === 'create' ? 'created' : step.state === 'delete' ? 'deleted' : 'changed'
    const detail = note || step.detail
    return {...base, status, ...(detail ? {detail} : {})}
  } catch (error) {
    const vsiError = error instanceof VsiError ? error : undefined
    return {
      ...base,
      status: 'failed',
      detail: error instanceof Error ? error.message : String(error),
      code: vsiError?.code ?? 'internal',
      ...(vsiError?.hint ? {hint: vsiError.hint} : {}),
    }
  }
}

/** Passes actions on in the steps' order, each as soon as it and every step before it are done. */
export function inStepOrder(steps: Step[], emit: (action: Action) => void): (action: Action) => void {
  const done = new Map<string, Action>()
  let next = 0
  return (action) => {
    done.set(action.step, action)
    while (next < steps.length && done.has(steps[next].id)) emit(done.get(steps[next++].id)!)
  }
}
