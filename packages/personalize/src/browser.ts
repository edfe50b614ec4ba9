/**
 * Script-tag entry (`dist/personalize.js`, served as `/personalize.js`):
 * `<script async src="https://collect.example.com/personalize.js" data-timeout="300"></script>`
 * next to `portrait.js`, in either order. Installs the plugin on `window.portrait`, or
 * queues it on the snippet's stub array, which `portrait.js` replays when it loads.
 */
import { personalize, type PersonalizePlugin } from './personalize';

/** `window.portrait`: the SDK (anything with `use`), or the snippet's stub queue. */
type Portrait = { use(plugin: PersonalizePlugin): void };

const timeout = Number(document.currentScript?.getAttribute('data-timeout'));
const plugin = personalize(timeout > 0 ? { timeout } : {});
const w = window as unknown as { portrait?: Portrait | Array<[string, unknown[]]> };
const p = w.portrait;
try {
  if (p && typeof (p as Portrait).use === 'function') (p as Portrait).use(plugin);
  else ((w.portrait = (p as Array<[string, unknown[]]>) || []) as Array<[string, unknown[]]>).push(['use', [plugin]]);
} catch {
  /* never throw into the page */
}
