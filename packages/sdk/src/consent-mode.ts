/**
 * Google Consent Mode: true when the page's latest `gtag('consent', 'default' |
 * 'update', { analytics_storage })` in `dataLayer` says `'denied'`. Read on every
 * check rather than hooked, so an `update` to `'granted'` takes effect at the next event.
 */
export const consentModeDenied = (): boolean => {
  let state: unknown;
  try {
    for (const a of (window as { dataLayer?: ArrayLike<unknown>[] }).dataLayer || [])
      if (a[0] === 'consent') state = (a[2] as { analytics_storage?: string } | undefined)?.analytics_storage || state;
  } catch {
    /* a dataLayer we cannot read says nothing */
  }
  return state == 'denied';
};
