import type { Env } from '../env';
import { ensureDemoTenant } from './key-store';

let ensured: Promise<void> | undefined;

/** In development only (`PORTRAIT_DEV=1`), makes sure the demo tenant and its keys exist. */
export function ensureDevTenant(env: Env): Promise<void> {
  if (env.PORTRAIT_DEV !== '1') return Promise.resolve();
  ensured ??= ensureDemoTenant(env.DB).catch((err) => {
    ensured = undefined;
    throw err;
  });
  return ensured;
}
