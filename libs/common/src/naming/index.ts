export * from './service-name';
