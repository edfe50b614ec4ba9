import { describe, expect, it } from 'vitest';
import { useE2E } from './support/use-e2e';
import { flushPage, sdkReady, stored, tracks, waitTracks } from './fixtures/capture/events';

const env = useE2E();

describe('click capture in Chromium', () => {
  it('captures links and buttons with masked text, never inputs or ignored zones; declarative events and rage clicks', async () => {
    const page = await env.ctx.newPage();
    await page.goto(env.server.url('/fixtures/capture/clicks.html'));
    await sdkReady(page);
    await page.evaluate(() => document.addEventListener('click', (e) => e.preventDefault()));
    for (const sel of ['#contact', '#call', '#pay', '#email', '#password', '#notes', '#editor', '#submit', '#ignored', '#ignored-link', '#signup span']) {
      await page.click(sel);
    }
    await page.fill('#email', 'typed.later@example.com');
    for (let i = 0; i < 3; i++) await page.click('#rage');
    await flushPage(page);
    await waitTracks(env.server, 'Element Clicked', 10);
    await waitTracks(env.server, 'Signup Clicked');

    const clicks = tracks(env.server, 'Element Clicked').map((e) => e.properties!);
    expect(clicks.map((p) => p.id)).toEqual(['contact', 'call', 'pay', 'email', 'notes', 'editor', 'submit', 'signup', 'rage', 'rage', 'rage']);
    expect(clicks[0]).toEqual({
      tag: 'a',
      id: 'contact',
      selector: 'a#contact',
      classes: ['link', 'primary'],
      attributes: { section: 'nav' },
      href: 'mailto:***',
      text: 'Mail ***',
    });
    expect(clicks[1].text).toBe('Call *** now');
    expect(clicks[2].text).toBe('Pay with ***');
    expect(clicks[6]).toMatchObject({ tag: 'button', text: 'Send form' });
    expect(clicks[7]).toMatchObject({ tag: 'button', text: 'Start free trial', attributes: { event: 'Signup Clicked', 'prop-plan': 'pro', 'prop-seats': '3' } });
    expect(clicks.slice(8).map((p) => p.rage ?? false)).toEqual([false, false, true]);
    expect(tracks(env.server, 'Signup Clicked')[0].properties).toEqual({ plan: 'pro', seats: 3 });
    expect(tracks(env.server, 'Should Not Send')).toEqual([]);

    const wire = env.server.ingestRequests().map((r) => r.rawBody).join('\n');
    for (const secret of ['jo.doe@example.com', '123-4567', '4111 1111', 'typed.', 'hunter2', 'private notes', 'private letter', 'Hidden action', 'Ignored link']) {
      expect(wire).not.toContain(secret);
    }
    expect(stored(env.server).every((e) => e.context?.session?.id)).toBe(true);
    expect(env.ctx.errors.pageErrors).toEqual([]);
  });
});
