import { onCLS, onFCP, onINP, onLCP, onTTFB, type Metric } from 'web-vitals';
import type { Plugin } from './types';

/**
 * Core Web Vitals through Google's `web-vitals`: sends one `Web Vital` event per
 * metric and page view (LCP, INP, CLS, FCP, TTFB; again after a back/forward-cache
 * restore) with `metric`, `value` (ms; CLS unitless), `rating` (`good`,
 * `needs-improvement`, `poor`), `delta`, `id` and `navigation_type`.
 *
 * Kept out of the core bundle: npm users import it from `@portrait/sdk/vitals`; the
 * script tag loads `portrait-vitals.js` only with `data-vitals`.
 *
 * @example
 * import { vitals } from '@portrait/sdk/vitals';
 * init({ writeKey: 'wk_...', plugins: [vitals()] });
 */
export const vitals = (): Plugin => ({
  name: 'vitals',
  setup(core) {
    const round = (m: Metric, v: number) => Math.round(v * (m.name == 'CLS' ? 1e4 : 10)) / (m.name == 'CLS' ? 1e4 : 10);
    const report = (m: Metric) =>
      core.track('Web Vital', {
        metric: m.name,
        value: round(m, m.value),
        rating: m.rating,
        delta: round(m, m.delta),
        id: m.id,
        navigation_type: m.navigationType,
      });
    [onCLS, onFCP, onINP, onLCP, onTTFB].forEach((on) => on(report));
  },
});
