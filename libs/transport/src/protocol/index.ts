export * from './constants';
export * from './message-type';
export * from './frame-flags';
export * from './frame';
export * from './metadata.codec';
export * from './frame-encoder';
export * from './frame-decoder';
