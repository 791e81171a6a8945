import { Controller, Get, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { RpcServerAddress } from '@nestrpc/server';
import { ProviderConfig } from './provider.config';
import { PROVIDER_CONFIG } from './tokens';

@Controller()
export class HealthController {
  constructor(
    @Inject(PROVIDER_CONFIG) private readonly config: ProviderConfig,
    private readonly rpc: RpcServerAddress,
  ) {}

  /** Who this is; readiness lives at /health (RpcHealthModule). */
  @Get('info')
  info(): { status: string; instance: string; rpc: string; versions: string[] } {
    const { host, port } = this.rpc.bound();
    return { status: 'ok', instance: this.config.instanceName, rpc: `${host}:${port}`, versions: this.config.helloVersions };
  }

  /** A plain Nest handler served by the same RPC server, next to the @RpcService methods. */
  @MessagePattern('math.sum')
  sum(@Payload() numbers: number[]): number {
    return numbers.reduce((a, b) => a + b, 0);
  }
}
