import { describe, expect, it } from 'vitest';
import { validateCampaign } from './validate-campaign';

const base = {
  name: 'Cart reminder',
  slot: 'hero',
  audience: { segment: 'cart_abandoners' },
  goal: { event: 'Order Completed' },
  variants: [
    {
      id: 'reminder',
      content: {
        headline: 'Still thinking it over, {{traits.firstName | default: "friend"}}?',
        body: 'Your {{cart.topItem | default: "items"}} are waiting.',
        cta: { label: 'Back to cart', url: '/cart' },
        image: { url: 'https://cdn.example.com/cart.png', alt: 'A cart' },
        theme: { background: '#fff7e6', accent: '#d9480f', radius: '8px', align: 'center' },
      },
    },
  ],
};

function withContent(patch: Record<string, unknown>) {
  return { ...base, variants: [{ id: 'a', content: { headline: 'Hi', ...patch } }] };
}

function errorsOf(input: unknown) {
  const r = validateCampaign(input);
  if (r.ok) throw new Error('expected errors');
  return r.errors;
}

describe('validateCampaign', () => {
  it('accepts a full campaign and fills defaults', () => {
    const r = validateCampaign(base);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.holdout).toBe(0.1);
    expect(r.value.goal.windowHours).toBe(168);
    expect(r.value.status).toBe('draft');
    expect(r.value.priority).toBe(0);
    expect(r.value.frequencyCap).toBeNull();
    expect(r.value.variants[0].content.cta).toEqual({ label: 'Back to cart', url: '/cart' });
  });

  it('names variant ids v1, v2... when omitted and refuses duplicates', () => {
    const r = validateCampaign({ ...base, variants: [{ content: { headline: 'A' } }, { content: { headline: 'B' } }] });
    expect(r.ok && r.value.variants.map((v) => v.id)).toEqual(['v1', 'v2']);
    expect(errorsOf({ ...base, variants: [{ id: 'x', content: { headline: 'A' } }, { id: 'x', content: { headline: 'B' } }] })).toEqual([
      { field: 'variants[1].id', message: expect.stringMatching(/duplicates/) },
    ]);
  });

  it('rejects markup in text, naming the field', () => {
    expect(errorsOf(withContent({ headline: '<script>alert(1)</script>' }))).toEqual([
      { field: 'variants[0].content.headline', message: expect.stringMatching(/markup/) },
    ]);
    expect(errorsOf(withContent({ body: 'x <img src=x>' }))[0].field).toBe('variants[0].content.body');
    expect(errorsOf(withContent({ body: 'hello onerror=alert(1)' }))[0].message).toMatch(/event-handler/);
    expect(errorsOf(withContent({ cta: { label: 'javascript:alert(1)', url: '/' } }))[0].field).toBe('variants[0].content.cta.label');
  });

  it('keeps ordinary text with comparison signs', () => {
    expect(validateCampaign(withContent({ headline: 'Save > 20% when you spend < 100' })).ok).toBe(true);
  });

  it.each([
    ['javascript:alert(1)'],
    ['JaVaScRiPt:alert(1)'],
    ['java\tscript:alert(1)'],
    ['data:text/html,<script>alert(1)</script>'],
    ['vbscript:msgbox(1)'],
    ['mailto:x@example.com'],
    ['about:blank'],
    ['//evil.example.com/x'],
    ['ftp://example.com/file'],
    ['https://user:pass@example.com/'],
    ['/cart\\..\\x'],
    ['{{recommendations.0.name}}'],
  ])('rejects the link %j', (link) => {
    const errors = errorsOf(withContent({ cta: { label: 'Go', url: link } }));
    expect(errors).toHaveLength(1);
    expect(errors[0].field).toBe('variants[0].content.cta.url');
  });

  it.each([['https://shop.example.com/sale?x=1'], ['http://localhost:8787/'], ['/cart'], ['cart.html'], ['../sale/'], ['?promo=1'], ['#offers']])('accepts the link %j', (link) => {
    expect(validateCampaign(withContent({ cta: { label: 'Go', url: link } })).ok).toBe(true);
  });

  it('rejects data: images and unknown theme tokens or values', () => {
    expect(errorsOf(withContent({ image: { url: 'data:image/png;base64,AAAA', alt: '' } }))[0].field).toBe('variants[0].content.image.url');
    expect(errorsOf(withContent({ theme: { font: 'Comic Sans' } }))[0].field).toBe('variants[0].content.theme.font');
    expect(errorsOf(withContent({ theme: { background: 'url(javascript:alert(1))' } }))[0].field).toBe('variants[0].content.theme.background');
    expect(errorsOf(withContent({ theme: { radius: '999px' } }))[0].field).toBe('variants[0].content.theme.radius');
  });

  it('rejects unknown placeholders and hostile templates at save', () => {
    expect(errorsOf(withContent({ headline: 'Hi {{traits.email}}' }))[0]).toEqual({
      field: 'variants[0].content.headline',
      message: expect.stringMatching(/unknown placeholder "traits.email"/),
    });
    expect(errorsOf(withContent({ body: "{{constructor.constructor('alert(1)')()}}" }))[0].field).toBe('variants[0].content.body');
  });

  it('rejects over-long fields with their length', () => {
    expect(errorsOf(withContent({ headline: 'x'.repeat(161) }))[0].message).toMatch(/at most 160 characters \(got 161\)/);
    expect(errorsOf({ ...base, name: 'n'.repeat(121) })[0].field).toBe('name');
  });

  it('names unknown fields instead of ignoring a typo', () => {
    expect(errorsOf({ ...base, holdoutShare: 0.2 })).toEqual([{ field: 'holdoutShare', message: expect.stringMatching(/not a campaign field/) }]);
    expect(errorsOf({ ...base, variants: [{ content: { headline: 'x' }, html: '<b>x</b>' }] })[0].field).toBe('variants[0].html');
  });

  it('reports every problem at once', () => {
    const errors = errorsOf({ slot: 'bad slot!', holdout: 0.9, goal: {}, variants: [], status: 'live', priority: 1.5, frequencyCap: { impressions: 0 }, startAt: 'tomorrow' });
    expect(errors.map((e) => e.field).sort()).toEqual(['frequencyCap.impressions', 'goal.event', 'holdout', 'name', 'priority', 'slot', 'startAt', 'status', 'variants'].sort());
  });

  it('checks audiences and lets the segments domain judge inline rules', () => {
    expect(errorsOf({ ...base, audience: { segment: 'a b' } })[0].field).toBe('audience.segment');
    expect(errorsOf({ ...base, audience: { rule: 'x' } })[0].field).toBe('audience.rule');
    const r = validateCampaign({ ...base, audience: { rule: { op: 'nope' } } }, { validateRule: () => 'unknown operator "nope"' });
    expect(!r.ok && r.errors).toEqual([{ field: 'audience.rule', message: 'unknown operator "nope"' }]);
    const all = validateCampaign({ ...base, audience: undefined });
    expect(all.ok && all.value.audience).toEqual({ everyone: true });
  });

  it('requires endAt after startAt and normalizes times', () => {
    expect(errorsOf({ ...base, startAt: '2026-12-02T00:00:00Z', endAt: '2026-12-01T00:00:00Z' })[0].field).toBe('endAt');
    const r = validateCampaign({ ...base, startAt: '2026-12-01T01:00:00+01:00' });
    expect(r.ok && r.value.startAt).toBe('2026-12-01T00:00:00.000Z');
  });
});
