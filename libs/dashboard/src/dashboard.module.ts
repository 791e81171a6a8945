import { DynamicModule, Module } from '@nestjs/common';
import { DashboardController } from './dashboard.controller';
import { DASHBOARD_OPTIONS, DashboardModuleOptions } from './dashboard.options';
import { DashboardService } from './dashboard.service';

/**
 * Serves the live dashboard at `/dashboard` in an HTTP Nest app. Import it next to
 * `RpcClientModule.forRoot` to also see this app's call rates and latency per instance:
 *
 * ```ts
 * imports: [RpcClientModule.forRoot({ registry: { etcd: { hosts } } }), DashboardModule.forRoot({ etcd: { hosts } })]
 * ```
 */
@Module({})
export class DashboardModule {
  static forRoot(options: DashboardModuleOptions): DynamicModule {
    return {
      module: DashboardModule,
      controllers: [DashboardController],
      providers: [{ provide: DASHBOARD_OPTIONS, useValue: options }, DashboardService],
      exports: [DashboardService],
    };
  }
}
