import { describe, expect, it } from 'vitest';
import type { Plugin, Portrait } from '../types';
import { scriptTagCapture, type ScriptTagPortrait } from './script-tag-capture';

const install = (attrs: Record<string, string>) => {
  const used: string[] = [];
  const p = { use: (x: Plugin) => used.push(x.name) } as unknown as Portrait;
  const tag = document.createElement('script');
  tag.src = 'https://collect.example.com/sdk/portrait.js?v=1';
  for (const [k, v] of Object.entries(attrs)) tag.setAttribute(k, v);
  scriptTagCapture(p, tag);
  return { used, p: p as ScriptTagPortrait };
};

describe('scriptTagCapture', () => {
  it('installs every capture plugin and exposes the e-commerce helpers', () => {
    const { used, p } = install({});
    expect(used).toEqual(['sessions', 'campaigns', 'browsing', 'pages', 'clicks', 'ecommerce']);
    expect(typeof p.ecommerce.orderCompleted).toBe('function');
  });

  it('data-capture picks the automatic captures; "off" keeps only context, e-commerce and vitals', () => {
    expect(install({ 'data-capture': 'pages clicks' }).used).toEqual(['sessions', 'campaigns', 'pages', 'clicks', 'ecommerce']);
    expect(install({ 'data-capture': 'off', 'data-vitals': '' }).used).toEqual(['sessions', 'campaigns', 'ecommerce', 'vitals-loader']);
  });
});
