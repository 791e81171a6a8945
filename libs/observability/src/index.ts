export * from './tracing';
export * from './metrics';
export * from './observability.module';
export * from './health';
