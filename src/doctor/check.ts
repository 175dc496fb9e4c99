import type {DoctorCheck, DoctorCheckId, DoctorFailureClass, DoctorLink} from './types.js'

export interface LinkChecks {
  pass(check: DoctorCheckId, detail: string, subject?: string): DoctorCheck
  warn(check: DoctorCheckId, failureClass: DoctorFailureClass, reason: string, hint: string, subject?: string): DoctorCheck
  fail(check: DoctorCheckId, failureClass: DoctorFailureClass, reason: string, hint: string, subject?: string): DoctorCheck
  /** A check that could not be made; `why` says what was missing (a permission, a token, --offline). */
  skip(check: DoctorCheckId, why: string, subject?: string): DoctorCheck
}

/** Check constructors for one link of the chain. */
export function linkChecks(link: DoctorLink): LinkChecks {
  const withSubject = (subject: string | undefined) => (subject === undefined ? {} : {subject})
  const problem = (status: 'warn' | 'fail') => (check: DoctorCheckId, failureClass: DoctorFailureClass, reason: string, hint: string, subject?: string): DoctorCheck => ({
    check,
    link,
    status,
    ...withSubject(subject),
    failure: {class: failureClass, reason, hint},
  })
  return {
    pass: (check, detail, subject) => ({check, link, status: 'pass', ...withSubject(subject), detail}),
    warn: problem('warn'),
    fail: problem('fail'),
    skip: (check, why, subject) => ({check, link, status: 'skip', ...withSubject(subject), detail: why}),
  }
}

/** Why a piece of state could not be read, in a form that turns into skipped checks. */
export interface Unavailable {
  unavailable: string
}

export type Fact<T> = T | Unavailable

export function isUnavailable(value: unknown): value is Unavailable {
  return value !== null && typeof value === 'object' && 'unavailable' in value
}
