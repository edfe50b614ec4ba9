import { afterEach, describe, expect, it } from 'vitest';
import { renderBanner } from './render-banner';

function slot(): HTMLElement {
  const el = document.createElement('div');
  el.setAttribute('data-portrait-slot', 'hero');
  el.textContent = 'Default hero';
  document.body.appendChild(el);
  return el;
}

afterEach(() => {
  document.body.replaceChildren();
});

describe('renderBanner', () => {
  it('renders every field as text in a shadow root', () => {
    const host = slot();
    const banner = renderBanner(host, {
      headline: 'Hi <img src=x onerror=alert(1)>',
      body: "{{constructor.constructor('alert(1)')()}}",
      cta: { label: '<b>Go</b>', url: '/cart' },
      image: { url: 'https://cdn.example.com/a.png', alt: '"><script>alert(1)</script>' },
    });
    expect(banner).not.toBeNull();
    const root = host.shadowRoot!;
    expect(root.querySelector('strong')!.textContent).toBe('Hi <img src=x onerror=alert(1)>');
    expect(root.querySelector('p')!.textContent).toBe("{{constructor.constructor('alert(1)')()}}");
    expect(root.querySelector('a')!.textContent).toBe('<b>Go</b>');
    expect(root.querySelector('a')!.getAttribute('href')).toBe('/cart');
    expect(root.querySelector('img')!.getAttribute('alt')).toBe('"><script>alert(1)</script>');
    // Exactly the elements the script creates: no parsed markup.
    expect(root.querySelectorAll('script, b').length).toBe(0);
    expect(root.querySelectorAll('img').length).toBe(1);
    // The page's default content is still in the light DOM (shown again if the banner is removed).
    expect(host.textContent).toBe('Default hero');
  });

  it('drops links and images with unsafe URLs but keeps the text', () => {
    const host = slot();
    renderBanner(host, { headline: 'Sale', cta: { label: 'Go', url: 'javascript:alert(1)' }, image: { url: 'data:image/png;base64,AAAA', alt: '' } });
    const root = host.shadowRoot!;
    expect(root.querySelector('a')).toBeNull();
    expect(root.querySelector('img')).toBeNull();
    expect(root.querySelector('strong')!.textContent).toBe('Sale');
  });

  it('applies only allow-listed theme tokens with valid values', () => {
    const host = slot();
    const banner = renderBanner(host, {
      headline: 'x',
      theme: { background: '#ff0000', accent: 'red;background:url(javascript:alert(1))', radius: '12px', align: 'center', font: 'x' } as never,
    })!;
    expect(banner.style.getPropertyValue('--bg')).toBe('#ff0000');
    expect(banner.style.getPropertyValue('--r')).toBe('12px');
    expect(banner.style.getPropertyValue('--al')).toBe('center');
    expect(banner.style.getPropertyValue('--ac')).toBe('');
  });

  it('styles through an adopted stylesheet, not a style attribute or element', () => {
    const host = slot();
    renderBanner(host, { headline: 'x' });
    expect(host.shadowRoot!.adoptedStyleSheets.length).toBe(1);
    expect(host.shadowRoot!.querySelector('style')).toBeNull();
  });

  it('leaves a slot that already has a shadow root alone', () => {
    const host = slot();
    host.attachShadow({ mode: 'open' });
    expect(renderBanner(host, { headline: 'x' })).toBeNull();
    expect(host.shadowRoot!.childNodes.length).toBe(0);
  });
});
