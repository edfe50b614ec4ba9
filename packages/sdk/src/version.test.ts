import { expect, it } from 'vitest';
import pkg from '../package.json';
import { VERSION } from './version';

it('reports the package version in context.library', () => {
  expect(VERSION).toBe(pkg.version);
});
