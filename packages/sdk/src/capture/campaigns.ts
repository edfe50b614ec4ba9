import type { CampaignContext } from '@portrait/protocol';
import type { Plugin } from '../types';
import { campaignParams } from './campaign-params';
import { parseJson } from './parse-json';

/**
 * Campaign attribution: UTM parameters and ad click ids of the URL go to
 * `context.campaign` of every event. Once analytics consent is granted the first
 * and the last campaign touch are remembered (consent-gated plugin storage), so
 * later visits without campaign parameters still carry the last touch in
 * `context.campaign` and the first touch in `context.firstTouch`.
 *
 * @example
 * init({ writeKey: 'wk_...', plugins: [campaigns()] });
 */
export const campaigns = (): Plugin => ({
  name: 'campaigns',
  setup(core) {
    const read = (k: string): CampaignContext | undefined => parseJson(core.storage.get(k));
    /** Remembers the URL's campaign (a no-op before consent); returns it. */
    const remember = () => {
      const cur = campaignParams(location.search);
      const s = JSON.stringify(cur);
      if (cur) read('cf') || core.storage.set('cf', s), core.storage.set('cl', s);
      return cur;
    };
    core.addEnricher((e) => {
      const cur = remember();
      const c = e.context!;
      const last = cur || read('cl');
      const first = read('cf') || cur;
      if (last) c.campaign ||= last;
      if (first) c.firstTouch = first;
    });
    return core.on('consent', (s) => s.categories.analytics && remember());
  },
});
