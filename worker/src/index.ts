import { createApp } from './app';

export { ProfileObject } from './storage/profile-object';

const app = createApp();

export default app;
