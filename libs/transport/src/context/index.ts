export * from './call-scope';
