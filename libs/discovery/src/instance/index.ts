export * from './key-layout';
export * from './normalize-instance';
export * from './service-instance';
export * from './validation';
