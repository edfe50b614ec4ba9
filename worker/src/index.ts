import { createApp } from './app';

export { BackfillObject } from './storage/backfill-object';
export { ProfileObject } from './storage/profile-object';

const app = createApp();

export default app;
