import { Controller, Get } from '@nestjs/common';
import { RpcClusterManager } from '@nestrpc/client';

@Controller('instances')
export class InstancesController {
  constructor(private readonly clusters: RpcClusterManager) {}

  /** What discovery currently sees: service, range, and each instance's version, address and weight. */
  @Get()
  list(): ReturnType<RpcClusterManager['describe']> {
    return this.clusters.describe();
  }
}
