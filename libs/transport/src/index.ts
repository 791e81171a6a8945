export * from './errors';
export * from './protocol';
export * from './serializers';
export * from './connection';
export * from './server';
export * from './client';
export * from './contract';
export * from './context';
