import { describe, expect, it } from 'vitest';
import { applyEvent } from '../profiles/apply-event';
import { createProfileState } from '../profiles/profile-state';
import { renderPortrait } from '../profiles/render-portrait';
import { evaluate } from '../segments/evaluate';
import { portraitFacts } from './portrait-facts';
import { renderTemplate } from './template';

const NOW = Date.parse('2026-11-20T10:00:00Z');

describe('portraitFacts', () => {
  it('reads the full portrait model: template data, segments, rule portrait', () => {
    let s = createProfileState('p1');
    s = applyEvent(s, { type: 'identify', userId: 'u1', messageId: 'm1', timestamp: '2026-11-20T09:00:00Z', traits: { firstName: 'Ada', plan: 'pro' } });
    s.segments.cart_abandoners = { since: '2026-11-20T09:00:00Z' };
    const f = portraitFacts(s, NOW);
    expect(renderTemplate('Hi {{traits.firstName}}', f.data)).toBe('Hi Ada');
    expect(f.segments).toEqual(['cart_abandoners']);
    expect(evaluate({ field: 'traits.plan', op: 'eq', value: 'pro' }, f.rulePortrait!, NOW)).toBe(true);
  });

  it('reads a rendered portrait (what the profile object answers)', () => {
    let s = createProfileState('p1');
    s = applyEvent(s, { type: 'identify', userId: 'u1', messageId: 'm1', timestamp: '2026-11-20T09:00:00Z', traits: { firstName: 'Ada', plan: 'pro', email: 'ada@example.com' } });
    s = applyEvent(s, { type: 'track', event: 'Product Added', userId: 'u1', messageId: 'm2', timestamp: '2026-11-20T09:10:00Z', properties: { product_id: 'p9', name: 'Trail shoes', category: 'Shoes', price: 89, quantity: 2 } });
    s.segments.vip = { since: '2026-11-20T09:00:00Z' };
    const f = portraitFacts(JSON.parse(JSON.stringify(renderPortrait(s, { now: NOW }))), NOW);
    expect(renderTemplate('{{traits.firstName}}: {{cart.items}} x {{cart.topItem}} ({{interests.category}})', f.data)).toBe('Ada: 2 x Trail shoes (Shoes)');
    expect(JSON.stringify(f.data)).not.toContain('ada@example.com');
    expect(f.segments).toEqual(['vip']);
    expect(evaluate({ field: 'traits.plan', op: 'eq', value: 'pro' }, f.rulePortrait!, NOW)).toBe(true);
  });

  it('reads the base counters (plain trait values)', () => {
    const f = portraitFacts({ anonymousIds: [], traits: { firstName: '<img src=x onerror=alert(1)>', plan: 'free' }, counts: {} }, NOW);
    expect(renderTemplate('Hi {{traits.firstName}}', f.data)).toBe('Hi <img src=x onerror=alert(1)>');
    expect(f.segments).toBeNull();
    expect(evaluate({ field: 'traits.plan', op: 'eq', value: 'free' }, f.rulePortrait!, NOW)).toBe(true);
  });

  it('gives an unknown visitor defaults', () => {
    const f = portraitFacts(null, NOW);
    expect(renderTemplate('Hi {{traits.firstName | default: "there"}}', f.data)).toBe('Hi there');
    expect(f.rulePortrait).toBeNull();
  });
});
