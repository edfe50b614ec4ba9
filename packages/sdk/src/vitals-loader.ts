import type { Core, Plugin } from './types';

/** Property of the injected script element through which the chunk finds its core. */
export const VITALS_CORE = 'portraitCore';

/**
 * Script-tag builds: loads the separate web-vitals chunk (`src`, normally
 * `portrait-vitals.js` beside `portrait.js`) once analytics consent allows it, so
 * nothing is fetched before consent and web-vitals never enters the core bundle.
 * The chunk reads the core from its own script element. A `nonce` is copied so
 * strict CSP pages keep working.
 *
 * @example vitalsLoader('https://collect.example.com/portrait-vitals.js')
 */
export const vitalsLoader = (src: string, nonce?: string): Plugin => ({
  name: 'vitals-loader',
  setup(core: Core) {
    let loaded = 0;
    const load = () => {
      const c = core.consent.get();
      if (loaded || c.status != 'granted' || !c.categories.analytics) return;
      loaded = 1;
      const s = document.createElement('script');
      s.src = src;
      s.async = true;
      if (nonce) s.nonce = nonce;
      (s as unknown as Record<string, Core>)[VITALS_CORE] = core;
      document.head.appendChild(s);
    };
    core.on('consent', load);
    load();
  },
});
