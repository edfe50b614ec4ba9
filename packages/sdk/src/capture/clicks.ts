import type { JsonValue } from '@portrait/protocol';
import type { JsonObject, Plugin } from '../types';
import { mask } from './mask';
import { selector } from './selector';

const ACTIONABLE = 'a,button,input,select,textarea,label,[role=button],[role=link]';
const PREFIX = 'data-portrait-';

/** `"12"` -> 12, `"true"` -> true, everything else stays a string. */
const value = (v: string): JsonValue => (/^(-?(0|[1-9]\d{0,14})(\.\d+)?|true|false)$/.test(v) ? JSON.parse(v) : v);

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
    const onClick = (ev: Event) => {
      try {
        const target = ev.target as Element;
        if (!target?.closest || target.closest('[data-portrait-ignore]')) return;
        const el = target.closest('[data-portrait-event]') || target.closest(ACTIONABLE) || target;
        const tag = el.localName;
        const type = (el as HTMLInputElement).type;
        if (tag == 'input' && (type == 'password' || type == 'hidden')) return;
        const now = Date.now();
        if (el != last) times = [];
        last = el;
        times = times.filter((t) => now - t < 1000).concat(now);
        const p: JsonObject = { tag, selector: selector(el) };
        const attrs: JsonObject = {};
        const props: JsonObject = {};
        let n = 0;
        if (el.id) p.id = el.id;
        const cls = [...el.classList].slice(0, 3);
        if (cls.length) p.classes = cls;
        for (const { name, value: v } of el.attributes)
          if (name.startsWith(PREFIX)) {
            attrs[name.slice(14)] = clean(v);
            n++;
            if (name.startsWith(PREFIX + 'prop-')) props[name.slice(19)] = value(v);
          }
        if (n) p.attributes = attrs;
        const href = (el as HTMLAnchorElement).href;
        // SVG links have an object here, not a string.
        if (tag == 'a' && typeof href == 'string' && href) p.href = mask(href).slice(0, 1000);
        // Visible text of links and buttons only: other elements may show what a visitor typed.
        if (el.matches('a,button,[role=button],[role=link]') && !(el as HTMLElement).isContentEditable) {
          const text = clean((el as HTMLElement).innerText || '');
          if (text) p.text = text;
        }
        if (times.length > 2) (p.rage = true), (p.clicks = times.length);
        core.track('Element Clicked', p);
        const event = el.getAttribute(PREFIX + 'event');
        if (event) core.track(event, props);
      } catch {
        /* never let a capture failure reach the page */
      }
    };
    document.addEventListener('click', onClick, { capture: true, passive: true });
  },
});
