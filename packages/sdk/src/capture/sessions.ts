import type { Plugin } from '../types';
import { campaignParams } from './campaign-params';
import { parseJson } from './parse-json';

export interface SessionsOptions {
  /** Inactivity that ends a session, ms. Default 30 minutes. */
  timeout?: number;
}

/** A short id, unique enough to tell one visitor's sessions apart: time + ~52 random bits, base 36. */
const newId = () => Date.now().toString(36) + Math.random().toString(36).slice(2);

/**
 * Sessions: every event gets `context.session = { id, count, start }`. A session
 * ends after 30 minutes without events, or when the visitor arrives through a
 * different campaign (UTM parameters or ad click id). `count` is the 1-based number
 * of this visitor's sessions. Kept in memory before consent; persisted (and shared
 * by the visitor's tabs) through the consent-gated plugin storage after it.
 *
 * @example
 * init({ writeKey: 'wk_...', plugins: [sessions({ timeout: 15 * 60_000 })] });
 */
export const sessions = (options: SessionsOptions = {}): Plugin => ({
  name: 'sessions',
  setup(core) {
    // [id, count, start ISO, last event ms, campaign JSON]
    // (a stored value that is not such an array starts a new session)
    let mem: [string, number, string, number, string] | undefined;
    core.addEnricher((e) => {
      const now = Date.now();
      const c = JSON.stringify(campaignParams(location.search)) || '';
      // Another tab may have moved the stored session on; before consent only memory holds it.
      let s = parseJson(core.storage.get('s')) || mem;
      if (!(s?.[3] > now - (options.timeout || 18e5)) || (c && c != s[4])) s = [newId(), (+s?.[1] || 0) + 1, new Date(now).toISOString(), 0, c];
      s[3] = now;
      mem = s;
      core.storage.set('s', JSON.stringify(s));
      e.context!.session = { id: s[0], count: s[1], start: s[2] };
    });
  },
});
