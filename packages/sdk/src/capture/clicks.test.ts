import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clicks } from './clicks';
import { fakeCore, type FakeCore } from './fake-core';

let core: FakeCore;
const click = (sel: string) => (document.querySelector(sel) as HTMLElement).click();
const props = () => core.events.map((e) => (e as { properties: Record<string, unknown> }).properties);
const names = () => core.events.map((e) => (e as { event: string }).event);

// Links must not navigate the test document away.
const noNav = (e: Event) => e.preventDefault();

beforeEach(() => {
  document.addEventListener('click', noNav);
  core = fakeCore();
  clicks().setup(core);
});
afterEach(() => {
  document.removeEventListener('click', noNav);
  document.body.innerHTML = '';
});

describe('clicks', () => {
  it('captures a link with tag, id, classes, href, selector and masked text', () => {
    document.body.innerHTML = `<nav id="top"><a id="mail" class="btn primary big extra" data-portrait-section="nav"
      href="mailto:jo@example.com">  Mail   jo@example.com or 555 123 4567 </a></nav>`;
    click('#mail');
    expect(props()[0]).toEqual({
      tag: 'a',
      id: 'mail',
      classes: ['btn', 'primary', 'big'],
      attributes: { section: 'nav' },
      href: 'mailto:***',
      selector: 'a#mail',
      text: 'Mail *** or ***',
    });
  });

  it('attributes a click inside a button to the button and cuts text at 255 chars', () => {
    document.body.innerHTML = `<main><div class="card"></div><div class="card"><button><span>${'x'.repeat(300)}</span></button></div></main>`;
    click('span');
    const p = props()[0];
    expect(p.tag).toBe('button');
    expect(p.selector).toBe('main>div.card:nth-of-type(2)>button');
    expect((p.text as string).length).toBe(255);
  });

  it('captures SVG links without failing (their href is not a string)', () => {
    document.body.innerHTML = `<svg><a id="logo" href="/home"><text>Home</text></a></svg>`;
    document.querySelector('#logo')!.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    expect(props()).toEqual([expect.objectContaining({ tag: 'a', id: 'logo' })]);
  });

  it('never reads input values and skips password fields entirely', () => {
    document.body.innerHTML = `<form><input id="email" value="jo@example.com"><input id="pw" type="password" value="secret">
      <div contenteditable="true" id="ed">my private note</div></form>`;
    click('#email');
    click('#pw');
    click('#ed');
    expect(props()).toHaveLength(2);
    expect(JSON.stringify(core.events)).not.toMatch(/jo@example|secret|private note/);
    expect(props()[0]).toMatchObject({ tag: 'input', id: 'email' });
  });

  it('ignores everything inside [data-portrait-ignore]', () => {
    document.body.innerHTML = `<section data-portrait-ignore><a href="/x" id="in">secret</a>
      <button data-portrait-event="Hidden">x</button></section><button id="out">ok</button>`;
    click('#in');
    click('[data-portrait-event]');
    click('#out');
    expect(props()).toEqual([expect.objectContaining({ id: 'out' })]);
  });

  it('sends declarative events with typed props', () => {
    document.body.innerHTML = `<button data-portrait-event="Signup Clicked" data-portrait-prop-plan="pro"
      data-portrait-prop-seats="3" data-portrait-prop-trial="true" data-portrait-prop-code="007"
      data-portrait-prop-price="-2.5" data-portrait-prop-label="1.50" data-portrait-prop-none="null"><b>Go</b></button>
      <div data-portrait-event="Card Opened" data-portrait-prop-card="2"><button id="inner">Open</button></div>`;
    click('b');
    click('#inner');
    expect(names()).toEqual(['Element Clicked', 'Signup Clicked', 'Element Clicked', 'Card Opened']);
    expect(props()[1]).toEqual({ plan: 'pro', seats: 3, trial: true, code: '007', price: -2.5, label: '1.50', none: 'null' });
    expect(props()[3]).toEqual({ card: 2 });
  });

  it('flags the third click on one element within a second as a rage click', () => {
    document.body.innerHTML = `<button id="b">Buy</button><button id="c">Other</button>`;
    click('#b');
    click('#b');
    click('#c');
    click('#b');
    click('#b');
    click('#b');
    expect(props().map((p) => p.rage ?? false)).toEqual([false, false, false, false, false, true]);
    expect(props()[5].clicks).toBe(3);
  });
});
