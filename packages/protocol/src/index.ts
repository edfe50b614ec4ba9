export * from './limits';
export * from './events';
export * from './ecommerce';
export * from './ingest';
