export * from './discovery.error';
export * from './invalid-instance.error';
export * from './invalid-service-name.error';
export * from './invalid-version-range.error';
export * from './invalid-version.error';
export * from './no-providers.error';
export * from './registry-closed.error';
export * from './registry-unavailable.error';
