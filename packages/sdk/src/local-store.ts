/**
 * localStorage under the `portrait.` prefix. Every access is guarded: storage can
 * be disabled or full (Safari private mode, quota, sandboxed iframes) and the SDK
 * must never throw into the page. Callers decide whether writing is allowed (consent).
 */
const PREFIX = 'portrait.';

export const lsGet = (key: string): string | null | undefined => {
  try {
    return localStorage.getItem(PREFIX + key);
  } catch {
    /* storage disabled: nothing stored */
  }
};

/** Sets `key`, or removes it when `value` is omitted or empty. */
export const lsSet = (key: string, value?: string | 0 | null): void => {
  try {
    value ? localStorage.setItem(PREFIX + key, value) : localStorage.removeItem(PREFIX + key);
  } catch {
    /* storage disabled or full: nothing to keep */
  }
};

/** Removes every `portrait.` key except the consent record (decided right after). */
export const lsPurge = (): void => {
  try {
    for (const k of Object.keys(localStorage)) if (k.startsWith(PREFIX) && k != PREFIX + 'consent') localStorage.removeItem(k);
  } catch {
    /* nothing stored */
  }
};
