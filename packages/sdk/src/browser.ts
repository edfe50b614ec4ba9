/**
 * Script-tag entry (`dist/portrait.js`):
 * `<script async src="https://collect.example.com/portrait.js" data-write-key="wk_123"
 *   data-consent="required"></script>`
 * Reads the tag's data attributes, replays the calls the stub snippet queued (in
 * order), then sets `window.portrait`. Attributes: `data-write-key` (starts the SDK;
 * without it, call `portrait.init()` yourself), `data-host` (default: the origin the
 * script came from), `data-consent` (`required` | `optional`, default `optional`), `data-debug`.
 */
import { createPortrait } from './create-portrait';
import type { Portrait } from './types';

declare global {
  interface Window {
    portrait: Portrait;
  }
}

const tag = document.currentScript as HTMLScriptElement | null;
const data = tag?.dataset || {};
// The stub snippet makes window.portrait an array of [method, arguments] (method may be 'consent.grant').
const stub = window.portrait as unknown;
const p = (window.portrait = createPortrait());

// Capture plugins install here: p.use(plugin).

if (Array.isArray(stub)) {
  for (const [m, args] of stub as [string, unknown[]][]) {
    const [a, b] = m.split('.');
    const target = (b ? p[a as 'consent'] : p) as unknown as Record<string, (...x: unknown[]) => unknown>;
    try {
      target[b || a](...args);
    } catch {
      /* an unknown method in the stub queue: skip it, keep the rest */
    }
  }
}
if (data.writeKey) {
  p.init({
    writeKey: data.writeKey,
    host: data.host || new URL(tag!.src).origin,
    consent: data.consent as 'required' | 'optional' | undefined,
    debug: data.debug != null,
  });
}
