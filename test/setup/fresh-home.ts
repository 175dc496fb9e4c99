// vitest runs setup files before every test file, also in a worker that runs several files (isolate: false).
import {useFreshHome} from '../helpers/cli.js'

useFreshHome()
