/**
 * Entry of `dist/portrait-vitals.js`, injected by `vitalsLoader`: starts the
 * web-vitals plugin on the core its script element carries.
 */
import { CHUNK_VALUE } from './load-chunk';
import type { Core } from './types';
import { vitals } from './vitals';

try {
  const core = (document.currentScript as unknown as Record<string, Core> | null)?.[CHUNK_VALUE];
  if (core) vitals().setup(core);
} catch {
  /* never throw into the page */
}
