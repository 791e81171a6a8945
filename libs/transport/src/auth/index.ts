export * from './rpc-identity';
export * from './peer-certificate';
export * from './server-auth-gate';
export * from './client-credentials';
