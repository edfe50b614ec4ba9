/**
 * A random RFC 4122 v4 id. `crypto.randomUUID` exists only in secure contexts
 * (https, localhost); on plain-http pages a blob URL supplies one (every browser
 * mints a random v4 UUID per blob URL).
 */
export const uuid = (u?: string): string =>
  // `u` is scratch space for the blob URL (always called without arguments).
  crypto.randomUUID?.() || (URL.revokeObjectURL((u = URL.createObjectURL(new Blob()))), u.slice(-36));
