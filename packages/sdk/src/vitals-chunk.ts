/**
 * Entry of `dist/portrait-vitals.js`, injected by `vitalsLoader`: starts the
 * web-vitals plugin on the core its script element carries.
 */
import { vitals } from './vitals';
import { VITALS_CORE } from './vitals-loader';
import type { Core } from './types';

try {
  const core = (document.currentScript as unknown as Record<string, Core> | null)?.[VITALS_CORE];
  if (core) vitals().setup(core);
} catch {
  /* never throw into the page */
}
