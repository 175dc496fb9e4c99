/** Rules about the secrets a pod declares: where they are written, and options that decorate nothing. */
import {ANNOTATION_PREFIX, annotationKey} from '../catalog.js'
import {distance} from '../nearest.js'
import type {InjectedSecret} from '../secrets.js'
import {DEFAULT_SECRET_VOLUME_PATH, goJoin} from '../secrets.js'
import {annotationRecord, creatingEntry, injectionOf, secretsOf, shortKey, specOf} from './pod.js'
import type {Finding, Location, PodTarget} from './types.js'

export function secretNameCollision(target: PodTarget): Finding[] {
  const secrets = secretsOf(target)
  const findings: Finding[] = []
  const firstAt = new Map<string, string>()
  for (const secret of secrets) {
    const earlier = firstAt.get(secret.destination)
    if (earlier === undefined) {
      firstAt.set(secret.destination, secret.rawName)
      continue
    }
    const caseOnly = earlier.toLowerCase() === secret.rawName.toLowerCase() && earlier !== secret.rawName
    findings.push({
      rule: 'secret-name-collision',

      injector: 'admits-differently',
      severity: 'error',
      message:
        `secrets "${earlier}" and "${secret.rawName}" are both written to ${secret.destination}` +
        (caseOnly ? ': the injector lower-cases secret names for file names' : '') +
        '; one overwrites the other',
      hint: `rename one of them, or give it its own file with ${ANNOTATION_PREFIX}agent-inject-file-${secret.rawName}`,
      at: placeOf(target, secret),
    })
  }
  const annotations = annotationRecord(target)
  const tokenPath = injectionOf(target).tokenSink
  // Without agent-inject-token the file is free, but turning the token on later would overwrite the secret.
  const reservedPath = goJoin(annotations[annotationKey('secret-volume-path')] ?? DEFAULT_SECRET_VOLUME_PATH, 'token')
  for (const secret of secrets) {
    const sameFile = tokenPath !== undefined && secret.destination === tokenPath
    if (!sameFile && (tokenPath !== undefined || secret.destination !== reservedPath)) continue
    findings.push({
      rule: 'secret-name-collision',

      injector: 'admits-differently',
      severity: sameFile ? 'error' : 'warning',
      message: sameFile
        ? `secret "${secret.rawName}" is written to ${secret.destination}, where agent-inject-token writes the Vault token`
        : `secret "${secret.rawName}" is written to ${secret.destination}, the file agent-inject-token would write the Vault token to`,
      hint: `rename the secret, or set ${ANNOTATION_PREFIX}agent-inject-file-${secret.rawName} to another file name`,
      at: placeOf(target, secret),
    })
  }
  return findings
}

/** The key that decides where the secret is written: its agent-inject-file-NAME if it has one. */
function placeOf(target: PodTarget, secret: InjectedSecret): Location {
  const fileKey = annotationKey(`agent-inject-file-${secret.rawName}`)
  return (target.annotations.find((entry) => entry.key === fileKey && secret.file !== '') ?? creatingEntry(target, secret)).keyAt
}

/** A file whose `..` leaves the secrets volume after filepath.Join: Vault Agent writes it where the app never looks. */
export function filePathEscapes(target: PodTarget): Finding[] {
  return secretsOf(target).flatMap((secret) => {
    const entry = target.annotations.find((item) => item.key === annotationKey(`agent-inject-file-${secret.rawName}`))
    const volume = goJoin(secret.mountPath)
    if (!entry || secret.file === '' || secret.destination.startsWith(volume === '/' ? '/' : `${volume}/`)) return []
    return [
      {
        rule: 'file-path-escapes' as const,
        severity: 'error' as const,
        injector: 'admits-differently' as const,
        message: `${shortKey(entry.key)}: ${JSON.stringify(entry.value)} leaves the secrets volume: the injector joins it onto ${secret.mountPath} with filepath.Join, so Vault Agent writes ${secret.destination}, outside the volume the app containers mount`,
        hint: 'use a file name or a subdirectory inside the volume (e.g. "config/app.json"); change the volume with secret-volume-path',
        at: entry.valueAt,
      },
    ]
  })
}

/** Per-secret options whose NAME matches no secret: the injector looks options up by NAME and never sees these. */
export function orphanSecretOption(target: PodTarget): Finding[] {
  const names = secretsOf(target).map((secret) => secret.rawName)
  return target.annotations.flatMap((entry) => {
    const spec = specOf(entry)
    if (spec?.secretName === undefined || spec.createsSecret || names.includes(spec.secretName)) return []
    const near = names.find((name) => distance(name.toLowerCase(), spec.secretName!.toLowerCase()) <= 2)
    return [
      {
        rule: 'orphan-secret-option' as const,

        injector: 'ignores' as const,
        severity: 'warning' as const,
        message:
          `${shortKey(entry.key)} configures secret "${spec.secretName}", but no agent-inject-secret-${spec.secretName} or agent-inject-template-${spec.secretName} ` +
          `declares it: the injector ignores this key${near ? `; did you mean ${shortKey(annotationKey(`${spec.base}-${near}`))}?` : ''}`,
        hint: near
          ? `rename the key to ${annotationKey(`${spec.base}-${near}`)} (secret names are case-sensitive in keys)`
          : `declare the secret with ${ANNOTATION_PREFIX}agent-inject-secret-${spec.secretName}, or remove this key`,
        at: entry.keyAt,
      },
    ]
  })
}

/** A secret key with a blank value declares nothing (the injector skips values that are blank after trimming). */
export function blankSecret(target: PodTarget): Finding[] {
  const names = secretsOf(target).map((secret) => secret.rawName)
  return target.annotations.flatMap((entry) => {
    const spec = specOf(entry)
    if (!spec?.createsSecret || entry.value.trim() !== '' || names.includes(spec.secretName!)) return []
    return [
      {
        rule: 'blank-secret' as const,

        injector: 'ignores' as const,
        severity: 'warning' as const,
        message: `${shortKey(entry.key)} is blank: the injector creates no secret "${spec.secretName}" from it`,
        hint: spec.base === 'agent-inject-secret' ? 'set it to the Vault path of the secret, e.g. "secret/data/app/config"' : 'give it a value, or remove the key',
        at: entry.valueAt,
      },
    ]
  })
}

/**
 * A template whose NAME is a near miss of a secret's: since vault-k8s 1.3.0 a template alone declares a secret, so the
 * injector renders two files, the intended secret with the default template (a `key: value` dump) and the template
 * under the misspelt name.
 */
export function templateWithoutSecret(target: PodTarget): Finding[] {
  const secrets = secretsOf(target)
  const untemplated = secrets.filter((secret) => secret.path !== '' && secret.template === '' && secret.templateFile === '')
  return secrets.flatMap((secret) => {
    if (secret.path !== '') return []
    const near = untemplated.find((other) => distance(other.rawName.toLowerCase(), secret.rawName.toLowerCase()) <= 2)
    // The same file (names differing only in case) is a secret-name-collision.
    if (!near || near.destination === secret.destination) return []
    const base = secret.template === '' ? 'agent-inject-template-file' : 'agent-inject-template'
    return [
      {
        rule: 'template-without-secret' as const,

        injector: 'admits-differently' as const,
        severity: 'warning' as const,
        message:
          `${base}-${secret.rawName} has no agent-inject-secret-${secret.rawName}, but agent-inject-secret-${near.rawName} has no template: ` +
          `the injector writes two files, ${near.destination} with the default template and ${secret.destination} with this one`,
        hint: `rename the key to ${annotationKey(`${base}-${near.rawName}`)} (secret names are case-sensitive in keys)`,
        at: creatingEntry(target, secret).keyAt,
      },
    ]
  })
}
