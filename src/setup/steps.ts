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
 * Several steps may share an id (one per service account): `after` that id waits for all of them.
 */
export async function applySteps(steps: Step[], onDone: (action: Action, step: Step) => void): Promise<Action[]> {
  const results = new Map<Step, Promise<Action>>()
  const byId = new Map<string, Step[]>()
  for (const step of steps) byId.set(step.id, [...(byId.get(step.id) ?? []), step])
  const run = (step: Step): Promise<Action> => {
    let result = results.get(step)
    if (!result) {
      result = runAfterDependencies(step, (id) => (byId.get(id) ?? []).map(run)).then((action) => {
        onDone(action, step)
        return action
      })
      results.set(step, result)
    }
    return result
  }
  return Promise.all(steps.map((step) => run(step)))
}

async function runAfterDependencies(step: Step, dependencies: (id: string) => Array<Promise<Action>>): Promise<Action> {
  const base = {step: step.id, target: step.target}
  const done = await Promise.all((step.after ?? []).flatMap((id) => dependencies(id)))
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
export function inStepOrder(steps: Step[], emit: (action: Action) => void): (action: Action, step: Step) => void {
  const done = new Map<Step, Action>()
  let next = 0
  return (action, step) => {
    done.set(step, action)
    while (next < steps.length && done.has(steps[next])) emit(done.get(steps[next++])!)
  }
}

/**
 * The plan/apply path of a single-object command (`vsi role create`, `vsi policy create`): with dryRun, the planned
 * actions; otherwise the steps go through applySteps as setup's do. Emits each action in step order and throws the
 * first failed step's error as it was raised, so the command exits as a direct call would.
 */
export async function runStepsOrThrow(steps: Step[], dryRun: boolean, emit: (action: Action) => void): Promise<Action[]> {
  if (dryRun) {
    const actions = steps.map((step) => planned(step))
    for (const action of actions) emit(action)
    return actions
  }
  const errors = new Map<Step, unknown>()
  const tracked = steps.map((step) => {
    const {run} = step
    if (!run) return step
    const copy: Step = {
      ...step,
      run: () =>
        run().catch((error: unknown) => {
          errors.set(copy, error)
          throw error
        }),
    }
    return copy
  })
  const actions = await applySteps(tracked, inStepOrder(tracked, emit))
  const failed = tracked.find((step) => errors.has(step))
  if (failed) throw errors.get(failed)
  const missing = actions.find((action) => action.status === 'failed')
  if (missing) throw new VsiError(`${missing.target}: ${missing.detail ?? 'failed'}`, {code: missing.code ?? 'internal', hint: missing.hint})
  return actions
}
