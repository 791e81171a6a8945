/**
 * The public API of @nestrpc/dashboard: the module, its options and the state it serves (for a
 * custom page reading the JSON endpoint). The sampler, controller and page stay inside the
 * package. api/dashboard.api.md lists this surface and CI checks it.
 */
export type { DashboardModuleOptions } from './dashboard.options';
export { DASHBOARD_PATH, DEFAULT_DASHBOARD_REFRESH_MS, DEFAULT_DASHBOARD_SAMPLE_INTERVAL_MS } from './dashboard.options';
export type { ConsumerView, DashboardInstance, DashboardState, InstanceHealth } from './dashboard-state';
export { DashboardModule } from './dashboard.module';
export { DashboardService } from './dashboard.service';
