import type { JsonValue } from '@portrait/protocol';
import type { JsonObject, Plugin } from '../types';
import { mask } from './mask';
import { parseJson } from './parse-json';
import { selector } from './selector';

const LINKS = 'a,button,[role=button],[role=link]';
const ACTIONABLE = LINKS + ',input,select,textarea,label';
const PREFIX = 'data-portrait-';

/** `"12"` -> 12, `"true"` -> true; everything else (`"007"`, `"1.50"`, `"null"`) stays the string given. */
const value = (v: string): JsonValue => {
  const j = parseJson(v);
  return j != null && j + '' == v ? j : v;
};

/** Masked, whitespace-collapsed, at most 255 characters. */
const clean = (s: string) => mask(s.replace(/\s+/g, ' ').trim()).slice(0, 255);

/**
 * Click autocapture and declarative click events.
 *
 * Every click (capture phase, passive) sends `Element Clicked` with the clicked
 * control's `tag`, `id`, up to three `classes`, its `data-portrait-*` attributes,
 * `href` for links, a short CSS `selector` and, for links and buttons only, the
 * visible `text` (trimmed, <= 255 chars). Text and hrefs are masked (emails, card,
 * phone and id numbers). Input values and contenteditable text are never read;
 * password and hidden fields and anything inside `[data-portrait-ignore]` are not
 * captured at all. The third click on one element within a second, and every one
 * after it, carries `rage: true` and `clicks` (the count in the last second).
 *
 * Declarative events: `<button data-portrait-event="Signup Clicked"
 * data-portrait-prop-plan="pro" data-portrait-prop-seats="3">` sends
 * `track('Signup Clicked', { plan: 'pro', seats: 3 })` on click (numbers and
 * true/false become JSON values; `007` stays a string). The element carrying
 * `data-portrait-event` counts as the clicked control, whatever is clicked inside it.
 *
 * @example
 * init({ writeKey: 'wk_...', plugins: [clicks()] });
 */
export const clicks = (): Plugin => ({
  name: 'clicks',
  setup(core) {
    let last: Element | undefined;
    let times: number[] = [];
    document.addEventListener(
      'click',
      (ev) => {
        try {
          const target = ev.target as Element;
          if (!target?.closest || target.closest('[data-portrait-ignore]')) return;
          const el = target.closest('[data-portrait-event]') || target.closest(ACTIONABLE) || target;
          const tag = el.localName;
          if (tag == 'input' && /^(password|hidden)$/.test((el as HTMLInputElement).type)) return;
          const now = Date.now();
          times = el == last ? times.filter((t) => now - t < 1000) : [];
          times.push(now);
          last = el;
          const p: JsonObject = { tag, selector: selector(el) };
          const props: JsonObject = {};
          const cls = [...el.classList].slice(0, 3);
          const href = (el as HTMLAnchorElement).href;
          if (el.id) p.id = el.id;
          if (cls[0]) p.classes = cls;
          for (const { name, value: v } of el.attributes)
            if (name.startsWith(PREFIX)) {
              ((p.attributes ||= {}) as JsonObject)[name.slice(14)] = clean(v);
              if (name.startsWith(PREFIX + 'prop-')) props[name.slice(19)] = value(v);
            }
          // SVG links have an object here, not a string.
          if (tag == 'a' && typeof href == 'string' && href) p.href = mask(href).slice(0, 1000);
          // Visible text of links and buttons only: other elements may show what a visitor typed.
          if (el.matches(LINKS) && !(el as HTMLElement).isContentEditable) {
            const text = clean((el as HTMLElement).innerText || '');
            if (text) p.text = text;
          }
          if (times[2]) (p.rage = true), (p.clicks = times.length);
          core.track('Element Clicked', p);
          const event = el.getAttribute(PREFIX + 'event');
          if (event) core.track(event, props);
        } catch {
          /* never let a capture failure reach the page */
        }
      },
      { capture: true, passive: true },
    );
  },
});
