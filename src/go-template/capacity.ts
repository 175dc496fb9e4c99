/**
 * The capacity of Go slices, which text/template's `slice` checks its indexes against (funcs.go slice: item.Cap()).
 * A `[]interface{}` that encoding/json decoded grew by append one element at a time (decode.go arrayInterface), so
 * its capacity is what Go's append leaves: runtime/slice.go growslice (nextslicecap, then the allocation rounded up
 * by runtime/msize.go roundupsize to a size class of runtime/sizeclasses.go, less the 8-byte malloc header that Go
 * 1.22+ puts in front of larger objects holding pointers). Other slices are made with their exact length.
 */

/** runtime/sizeclasses.go class_to_size (unchanged since Go 1.19). */
const CLASS_TO_SIZE = [
  0, 8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256, 288, 320, 352, 384, 416, 448, 480, 512,
  576, 640, 704, 768, 896, 1024, 1152, 1280, 1408, 1536, 1792, 2048, 2304, 2688, 3072, 3200, 3456, 4096, 4864, 5376, 6144,
  6528, 6784, 6912, 8192, 9472, 9728, 10240, 10880, 12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760, 24576, 27264,
  28672, 32768,
]
const MAX_SMALL_SIZE = 32768
const PAGE_SIZE = 8192
const MALLOC_HEADER_SIZE = 8
const MIN_SIZE_FOR_MALLOC_HEADER = 8 * 64
/** An interface value: two words. */
const INTERFACE_SIZE = 16

/** runtime/msize.go roundupsize for an object holding pointers (noscan false). */
function roundupsize(size: number): number {
  if (size <= MAX_SMALL_SIZE - MALLOC_HEADER_SIZE) {
    const request = size > MIN_SIZE_FOR_MALLOC_HEADER ? size + MALLOC_HEADER_SIZE : size
    return CLASS_TO_SIZE.find((classSize) => classSize >= request)! - (request - size)
  }
  return Math.ceil(size / PAGE_SIZE) * PAGE_SIZE
}

/** runtime/slice.go nextslicecap. */
function nextslicecap(newLen: number, oldCap: number): number {
  const doublecap = oldCap + oldCap
  if (newLen > doublecap) return newLen
  const threshold = 256
  if (oldCap < threshold) return doublecap
  let newcap = oldCap
  while (newcap < newLen) newcap += (newcap + 3 * threshold) >> 2
  return newcap
}

/** The capacity of a []interface{} grown from make([]interface{}, 0) by `length` appends. */
export function appendedCapacity(length: number): number {
  let cap = 0
  while (cap < length) cap = Math.floor(roundupsize(nextslicecap(cap + 1, cap) * INTERFACE_SIZE) / INTERFACE_SIZE)
  return cap
}

/** The capacity of an array standing for a Go slice, and the backing array's elements past its length that are known. */
const capacities = new WeakMap<readonly unknown[], {cap: number; beyond: readonly unknown[]}>()

/**
 * Records that an array stands for a Go slice of capacity `cap` (at least its length); `beyond` holds the backing
 * array's elements that follow the slice's (re-slicing up to the capacity shows them), the rest being zeroed.
 */
export function withCapacity<T extends unknown[]>(array: T, cap: number, beyond: readonly unknown[] = []): T {
  if (cap > array.length) capacities.set(array, {cap, beyond})
  return array
}

/** Marks an array as encoding/json's []interface{}, with the capacity append left it. */
export function jsonArray<T extends unknown[]>(array: T): T {
  return withCapacity(array, appendedCapacity(array.length))
}

/** reflect.Value.Cap of the slice an array stands for. */
export function capacityOf(array: readonly unknown[]): number {
  return capacities.get(array)?.cap ?? array.length
}

/** The slice's elements up to its capacity: the backing array from the slice's start; `zero` where nothing was stored. */
export function upToCapacity(array: readonly unknown[], zero: unknown): unknown[] {
  const beyond = capacities.get(array)?.beyond ?? []
  return Array.from({length: capacityOf(array)}, (_, n) =>
    n < array.length ? array[n] : n - array.length < beyond.length ? beyond[n - array.length] : zero,
  )
}
