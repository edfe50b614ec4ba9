/**
 * A short CSS selector for an element: at most three levels, stopping at the
 * first ancestor with an id, each level `tag#id` or `tag.firstClass` plus
 * `:nth-of-type(n)` when same-tag siblings make it ambiguous.
 *
 * @example selector(btn) // 'main#shop>div.card:nth-of-type(2)>button.buy'
 */
export const selector = (el: Element): string => {
  const parts: string[] = [];
  for (let e: Element | null = el, i = 0; e && i < 3 && e != document.documentElement; e = e.parentElement, i++) {
    let s = e.localName;
    if (e.id) {
      parts.unshift(s + '#' + CSS.escape(e.id));
      break;
    }
    if (e.classList[0]) s += '.' + CSS.escape(e.classList[0]);
    const same = [...(e.parentElement?.children || [])].filter((c) => c.localName == e!.localName);
    if (same.length > 1) s += `:nth-of-type(${same.indexOf(e) + 1})`;
    parts.unshift(s);
  }
  return parts.join('>');
};
