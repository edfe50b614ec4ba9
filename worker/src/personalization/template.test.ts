import { describe, expect, it } from 'vitest';
import { parseTemplate, renderTemplate } from './template';

describe('parseTemplate', () => {
  it('accepts allow-listed fields with and without a default', () => {
    expect(parseTemplate('Hi {{traits.firstName | default: "there"}}, {{ location.city }}').parts).toEqual([
      'Hi ',
      { path: 'traits.firstName', fallback: 'there' },
      ', ',
      { path: 'location.city', fallback: '' },
    ]);
  });

  it('refuses fields outside the allow-list, naming them', () => {
    expect(parseTemplate('{{traits.email}}').error).toMatch(/unknown placeholder "traits.email"/);
    expect(parseTemplate('{{constructor}}').error).toMatch(/unknown placeholder "constructor"/);
  });

  it('refuses expressions, calls and unknown filters', () => {
    expect(parseTemplate("{{constructor.constructor('alert(1)')()}}").error).toMatch(/not supported/);
    expect(parseTemplate('{{traits.firstName | upcase}}').error).toMatch(/not supported/);
    expect(parseTemplate('{{traits.firstName | default: "{{x}}"}}').error).toBeDefined();
  });

  it('refuses unbalanced braces', () => {
    expect(parseTemplate('Hi {{traits.firstName').error).toMatch(/unbalanced/);
    expect(parseTemplate('Hi }} there').error).toMatch(/unbalanced/);
  });
});

describe('renderTemplate', () => {
  it('fills values and falls back to the default', () => {
    const t = 'Welcome back, {{traits.firstName | default: "there"}}!';
    expect(renderTemplate(t, { traits: { firstName: 'Ada' } })).toBe('Welcome back, Ada!');
    expect(renderTemplate(t, { traits: {} })).toBe('Welcome back, there!');
    expect(renderTemplate(t, { traits: { firstName: '   ' } })).toBe('Welcome back, there!');
  });

  it('keeps a markup trait as literal text', () => {
    const out = renderTemplate('Hi {{traits.name}}', { traits: { name: '<img src=x onerror=alert(1)>' } });
    expect(out).toBe('Hi <img src=x onerror=alert(1)>');
  });

  it('never expands placeholders found inside values', () => {
    const data = { traits: { firstName: "{{constructor.constructor('alert(1)')()}}", name: '{{traits.lastName}}', lastName: 'secret' } };
    expect(renderTemplate('{{traits.firstName}}|{{traits.name}}', data)).toBe("{{constructor.constructor('alert(1)')()}}|{{traits.lastName}}");
  });

  it('does not read through prototypes or class instances', () => {
    const data = Object.create({ traits: { firstName: 'inherited' } });
    expect(renderTemplate('{{traits.firstName | default: "x"}}', data)).toBe('x');
    class Sneaky { firstName = 'instance'; }
    expect(renderTemplate('{{traits.firstName | default: "x"}}', { traits: new Sneaky() })).toBe('x');
  });

  it('renders objects as the default and cuts long values', () => {
    expect(renderTemplate('{{traits.name | default: "n/a"}}', { traits: { name: { a: 1 } } })).toBe('n/a');
    const long = 'x'.repeat(500);
    expect(renderTemplate('{{traits.name}}', { traits: { name: long } }).length).toBe(120);
  });
});
