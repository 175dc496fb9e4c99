/**
 * The API server's limit on all annotations of an object together, keys plus values, in bytes
 * (kubernetes/kubernetes staging/src/k8s.io/apimachinery/pkg/api/validation/objectmeta.go, TotalAnnotationSizeLimitB).
 */
export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024

export function annotationsSize(annotations: Iterable<readonly [string, string]>): number {
  let size = 0
  for (const [key, value] of annotations) size += Buffer.byteLength(key) + Buffer.byteLength(value)
  return size
}
