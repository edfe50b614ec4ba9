import { CONSENT_CATEGORIES, type ConsentCategory } from '@portrait/protocol';

interface TcData {
  eventStatus?: string;
  gdprApplies?: boolean;
  purpose?: { consents?: Record<number, boolean | undefined> };
}
export type TcfApi = (command: string, version: number, cb: (data: TcData, success: boolean) => void) => void;

/**
 * Follows an IAB TCF v2.2 CMP (`window.__tcfapi`, passed as `api`): `onDecision`
 * receives the granted categories (and the source, `'tcf'`) each time the visitor's choice is known (`tcloaded`)
 * or changes (`useractioncomplete`). Purpose 1 (store/access information on a device)
 * gates storage and sending (`analytics`, `personalization`); `marketing` also needs
 * purposes 3+4 (personalised ads). Where GDPR does not apply, everything is granted.
 */
export const watchTcf = (api: TcfApi, onDecision: (granted: ConsentCategory[], source: 'tcf') => void): void => {
  try {
    api('addEventListener', 2, (d, ok) => {
      if (!ok || !/^(tcloaded|useractioncomplete)/.test(d?.eventStatus!)) return;
      const c = d.gdprApplies === false ? [, 1, , 1, 1] : d.purpose?.consents || {};
      onDecision(c[1] ? CONSENT_CATEGORIES.slice(0, c[3] && c[4] ? 3 : 2) : [], 'tcf');
    });
  } catch {
    /* a broken CMP: the decision stays pending (nothing stored or sent) */
  }
};
