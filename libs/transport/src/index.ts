export * from './errors';
export * from './protocol';
export * from './serializers';
