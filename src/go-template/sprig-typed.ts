/** sprig's functions over Go's time, url, semver and mergo/copystructure values, gathered for sprig.ts. */
import type {GoFunc} from './functions.js'
import {DATE_SPRIG} from './sprig-date.js'
import {DICT_SPRIG} from './sprig-dict.js'
import {SEMVER_SPRIG} from './sprig-semver.js'
import {URL_SPRIG} from './sprig-url.js'

export const TYPED_SPRIG: Record<string, GoFunc> = {...DATE_SPRIG, ...DICT_SPRIG, ...SEMVER_SPRIG, ...URL_SPRIG}
