import { afterEach, describe, expect, it, vi } from 'vitest';

type W = { portrait?: unknown };

afterEach(() => {
  delete (window as W).portrait;
  vi.resetModules();
});

describe('personalize.js script-tag entry', () => {
  it('installs itself on a started SDK', async () => {
    const use = vi.fn();
    (window as W).portrait = { use };
    await import('./browser');
    expect(use).toHaveBeenCalledTimes(1);
    expect(use.mock.calls[0][0].name).toBe('personalize');
  });

  it('queues itself on the snippet stub when it loads before portrait.js', async () => {
    const stub: unknown[] = [['page', []]];
    (window as W).portrait = stub;
    await import('./browser');
    expect(stub).toHaveLength(2);
    expect(stub[1]).toEqual(['use', [expect.objectContaining({ name: 'personalize' })]]);
  });

  it('creates the stub queue when nothing is on the page yet', async () => {
    await import('./browser');
    const q = (window as W).portrait as unknown[];
    expect(Array.isArray(q)).toBe(true);
    expect(q[0]).toEqual(['use', [expect.objectContaining({ name: 'personalize' })]]);
  });

  it('never throws into the page when window.portrait is something else', async () => {
    (window as W).portrait = { use: () => { throw new Error('broken SDK'); } };
    await expect(import('./browser')).resolves.toBeDefined();
  });
});
