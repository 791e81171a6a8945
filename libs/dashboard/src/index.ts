export * from './call-rate-sampler';
export * from './dashboard-state';
export * from './dashboard.options';
export * from './dashboard.service';
export * from './dashboard.controller';
export * from './dashboard.module';
