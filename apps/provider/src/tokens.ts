export const PROVIDER_CONFIG = Symbol('PROVIDER_CONFIG');
