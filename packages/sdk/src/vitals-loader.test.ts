import { afterEach, describe, expect, it } from 'vitest';
import { fakeCore } from './capture/fake-core';
import { CHUNK_VALUE } from './load-chunk';
import { vitalsLoader } from './vitals-loader';

const injected = () => [...document.querySelectorAll('script[src$="portrait-vitals.js"]')] as HTMLScriptElement[];
afterEach(() => injected().forEach((s) => s.remove()));

describe('vitalsLoader', () => {
  it('fetches nothing before analytics consent, then loads the chunk once with its core', () => {
    const core = fakeCore({ granted: false });
    vitalsLoader('https://c.example/portrait-vitals.js', 'n0nce').setup(core);
    expect(injected()).toHaveLength(0);
    core.setConsent(true);
    core.setConsent(true);
    expect(injected()).toHaveLength(1);
    const s = injected()[0];
    expect(s.src).toBe('https://c.example/portrait-vitals.js');
    expect(s.nonce).toBe('n0nce');
    expect((s as unknown as Record<string, unknown>)[CHUNK_VALUE]).toBe(core);
  });
});
