/**
 * A random RFC 4122 v4 id. `crypto.randomUUID` exists only in secure contexts
 * (https, localhost); on plain-http pages a blob URL supplies one (every browser
 * mints a random v4 UUID per blob URL).
 */
export const uuid = (): string => {
  if (crypto.randomUUID) return crypto.randomUUID();
  const u = URL.createObjectURL(new Blob());
  URL.revokeObjectURL(u);
  return u.slice(-36);
};
