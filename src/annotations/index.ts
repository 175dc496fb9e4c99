/**
 * The Vault Agent Injector's annotation model: the catalog of keys, the injector's value parsers, key rules, and the
 * injector model (injectionSpec: what the injector makes of one pod). Pure: no I/O. The linter built on it is in ./lint.
 */
export type {AnnotationForm, AnnotationSpec, CatalogEntry, ValueKind, ValueOutcome, ValueProblem} from './catalog.js'
export {
  ANNOTATION_CATALOG,
  ANNOTATION_PREFIX,
  MAX_KEY_NAME_LENGTH,
  POD_ANNOTATION_BASES,
  QUALIFIED_NAME,
  SECRET_ANNOTATION_BASES,
  SECRET_CREATING_BASES,
  annotationKey,
  annotationKeyProblem,
  checkAnnotationValue,
  lookupAnnotation,
  maxSecretNameLength,
  secretNameFromKey,
  secretNameProblem,
  validateAnnotationValue,
  validateSecretName,
} from './catalog.js'
export {GO_BOOL_VALUES, goBool} from './go-parse.js'
export {nearestAnnotation} from './nearest.js'
export type {InjectionSpec, InjectorDefaults} from './injection.js'
export {hasInjectorAnnotations, injectionSpec} from './injection.js'
export type {InjectedSecret, RenderedFile} from './secrets.js'
export {DEFAULT_SECRET_VOLUME_PATH} from './secrets.js'
