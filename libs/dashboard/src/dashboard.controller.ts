import { Controller, Get, Header, Inject } from '@nestjs/common';
import { DashboardState } from './dashboard-state';
import { dashboardPage } from './dashboard-page';
import { DASHBOARD_OPTIONS, DASHBOARD_PATH, DashboardModuleOptions, DEFAULT_DASHBOARD_REFRESH_MS } from './dashboard.options';
import { DashboardService } from './dashboard.service';

/** `GET /dashboard`: the page; `GET /dashboard/state`: what it polls (JSON, also handy for scripts). */
@Controller(DASHBOARD_PATH)
export class DashboardController {
  constructor(
    private readonly dashboard: DashboardService,
    @Inject(DASHBOARD_OPTIONS) private readonly options: DashboardModuleOptions,
  ) {}

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  page(): string {
    return dashboardPage(this.options.refreshMs ?? DEFAULT_DASHBOARD_REFRESH_MS);
  }

  @Get('state')
  @Header('cache-control', 'no-store')
  state(): Promise<DashboardState> {
    return this.dashboard.state();
  }
}
