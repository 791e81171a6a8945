export * from './constants';
export * from './framed-connection.options';
export * from './connection-handler';
export * from './framed-connection';
export * from './byte-budget';
