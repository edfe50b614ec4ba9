import { loadChunk } from './load-chunk';
import type { Core, Plugin } from './types';

/**
 * Script-tag builds: loads the separate web-vitals chunk (`src`, normally
 * `portrait-vitals.js` beside `portrait.js`) once analytics consent allows it, so
 * nothing is fetched before consent and web-vitals never enters the core bundle.
 * The chunk reads the core from its own script element (see `loadChunk`). A `nonce`
 * is copied so strict CSP pages keep working.
 *
 * @example vitalsLoader('https://collect.example.com/portrait-vitals.js')
 */
export const vitalsLoader = (src: string, nonce?: string): Plugin => ({
  name: 'vitals-loader',
  setup(core: Core) {
    let loaded = 0;
    const load = ({ status, categories }: { status: string; categories: { analytics: boolean } }) =>
      !loaded && status == 'granted' && categories.analytics && ((loaded = 1), loadChunk(src, nonce, core));
    core.on('consent', load);
    load(core.consent.get());
  },
});
