/**
 * localStorage (or, with `tab`, this tab's sessionStorage) under the `portrait.` prefix.
 * Every access is guarded: storage can be disabled or full (Safari private mode, quota,
 * sandboxed iframes) and the SDK must never throw into the page. Callers decide whether
 * writing is allowed (consent).
 */
const PREFIX = 'portrait.';

export const lsGet = (key: string, tab?: 1): string | null | undefined => {
  try {
    return (tab ? sessionStorage : localStorage).getItem(PREFIX + key);
  } catch {
    /* storage disabled: nothing stored */
  }
};

/** Sets `key`, or removes it when `value` is omitted or empty. */
export const lsSet = (key: string, value?: string | 0 | null, tab?: 1): void => {
  try {
    const s = tab ? sessionStorage : localStorage;
    value ? s.setItem(PREFIX + key, value) : s.removeItem(PREFIX + key);
  } catch {
    /* storage disabled or full: nothing to keep */
  }
};

/** Removes every `portrait.` key except the consent record (decided right after), and the tab's id. */
export const lsPurge = (): void => {
  try {
    for (const k in localStorage) if (k.startsWith(PREFIX) && k != PREFIX + 'consent') localStorage.removeItem(k);
    lsSet('tab', 0, 1);
  } catch {
    /* nothing stored */
  }
};
