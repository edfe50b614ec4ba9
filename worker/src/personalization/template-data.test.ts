import { describe, expect, it } from 'vitest';
import { applyEvent } from '../profiles/apply-event';
import { createProfileState } from '../profiles/profile-state';
import { renderTemplate } from './template';
import { templateDataFromProfile } from './template-data';

const at = '2026-11-20T10:00:00.000Z';

function profile() {
  let s = createProfileState('p1');
  s = applyEvent(s, { type: 'identify', userId: 'u1', messageId: 'm1', timestamp: at, traits: { firstName: 'Ada', email: 'ada@example.com', address: { city: 'Lyon' } } });
  s = applyEvent(s, { type: 'track', event: 'Product Added', userId: 'u1', messageId: 'm2', timestamp: at, properties: { product_id: 'p9', name: 'Trail shoes', category: 'Shoes', price: 89, quantity: 1 } });
  return s;
}

describe('templateDataFromProfile', () => {
  it('exposes allow-listed fields that templates can use', () => {
    const data = templateDataFromProfile(profile(), Date.parse(at) + 1000);
    expect(renderTemplate('{{traits.firstName}} from {{traits.address.city}}: your {{cart.topItem}} ({{cart.items}})', data)).toBe('Ada from Lyon: your Trail shoes (1)');
  });

  it('never carries fields outside the allow-list', () => {
    const data = templateDataFromProfile(profile(), Date.parse(at));
    expect(JSON.stringify(data)).not.toContain('ada@example.com');
    expect(JSON.stringify(data)).not.toContain('u1');
  });

  it('works for an unknown visitor', () => {
    expect(renderTemplate('Hi {{traits.firstName | default: "there"}}', templateDataFromProfile(null, 0))).toBe('Hi there');
  });
});
