export * from './constants';
export * from './framed-connection.options';
export * from './framed-connection';
