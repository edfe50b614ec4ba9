import type { BannerContent } from './decision-types';
import { safeHref } from './safe-href';

const CSS =
  ':host{display:block}' +
  '.b{box-sizing:border-box;display:flex;gap:1em;align-items:center;padding:1em 1.25em;overflow:hidden;' +
  'background:var(--bg,#f4f4f5);color:var(--fg,#18181b);border-radius:var(--r,8px);text-align:var(--al,left);font:inherit}' +
  'img{max-height:100%;max-width:40%;object-fit:cover;border-radius:inherit}' +
  '.t{flex:1;min-width:0}strong{display:block;font-size:1.25em;line-height:1.2}p{margin:.35em 0 0}' +
  'a{display:inline-block;margin-top:.6em;padding:.5em 1em;border-radius:var(--r,8px);text-decoration:none;font-weight:600;' +
  'background:var(--ac,#18181b);color:var(--at,#fff)}';

/** Theme token -> CSS custom property and the pattern its value must match. */
const THEME: Record<string, [string, RegExp]> = {
  background: ['--bg', /^#[\da-f]{3}(?:[\da-f]{3}(?:[\da-f]{2})?)?$/i],
  text: ['--fg', /^#[\da-f]{3}(?:[\da-f]{3}(?:[\da-f]{2})?)?$/i],
  accent: ['--ac', /^#[\da-f]{3}(?:[\da-f]{3}(?:[\da-f]{2})?)?$/i],
  accentText: ['--at', /^#[\da-f]{3}(?:[\da-f]{3}(?:[\da-f]{2})?)?$/i],
  radius: ['--r', /^\d{1,2}px$/],
  align: ['--al', /^(?:left|center|right)$/],
};

let sheet: CSSStyleSheet | undefined;

/**
 * Render `content` into a shadow root on `host`, with DOM APIs only: every string goes
 * through `textContent` or a non-script attribute (`href`/`src` after `safeHref`,
 * `alt`, `part`), styles come from one constructable stylesheet and CSSOM custom
 * properties, so a strict CSP and Trusted Types see nothing to block. The banner takes
 * the slot's current height, so swapping default content for it shifts no layout.
 * Returns the banner element, or null when the slot cannot host a shadow root (it
 * already has one, or its element type does not allow it): the default content stays.
 *
 * @example renderBanner(document.querySelector('[data-portrait-slot=hero]'), { headline: 'Hi' })
 */
export function renderBanner(host: HTMLElement, content: BannerContent): HTMLElement | null {
  if (host.shadowRoot) return null;
  const height = host.getBoundingClientRect().height;
  let root: ShadowRoot;
  try {
    root = host.attachShadow({ mode: 'open' });
  } catch {
    return null;
  }
  const doc = host.ownerDocument;
  const el = <K extends keyof HTMLElementTagNameMap>(tag: K, parent: Node, part: string, text?: unknown): HTMLElementTagNameMap[K] => {
    const node = doc.createElement(tag);
    node.setAttribute('part', part);
    if (text != null) node.textContent = String(text);
    parent.appendChild(node);
    return node;
  };
  try {
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
    }
    root.adoptedStyleSheets = [sheet];
  } catch {
    // No constructable stylesheets (Safari < 16.4): a <style> element (fine unless the page's CSP limits style-src).
    el('style', root, 'style', CSS);
  }
  const banner = el('div', root, 'banner');
  banner.className = 'b';
  if (height > 0) banner.style.height = `${height}px`;
  for (const [token, value] of Object.entries(content.theme || {})) {
    const t = Object.prototype.hasOwnProperty.call(THEME, token) && THEME[token];
    if (t && typeof value === 'string' && t[1].test(value)) banner.style.setProperty(t[0], value);
  }
  const src = content.image && safeHref(content.image.url);
  if (src) {
    const img = el('img', banner, 'image');
    img.setAttribute('src', src);
    img.setAttribute('alt', String(content.image!.alt || ''));
  }
  const text = el('div', banner, 'text');
  text.className = 't';
  el('strong', text, 'headline', content.headline);
  if (content.body) el('p', text, 'body', content.body);
  const href = content.cta && safeHref(content.cta.url);
  if (href) el('a', text, 'cta', content.cta!.label).setAttribute('href', href);
  return banner;
}
