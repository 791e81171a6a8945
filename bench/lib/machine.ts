import { cpus, totalmem, platform, release, arch } from 'os';
import { readFileSync } from 'fs';
import { join } from 'path';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  nestCore: string;
  nestMicroservices: string;
}

export function machineInfo(): MachineInfo {
  const cpuList = cpus();
  return {
    cpuModel: cpuList[0]?.model.trim() ?? 'unknown',
    cores: cpuList.length,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    os: `${platform()} ${release()} ${arch()}`,
    node: process.version,
    nestCore: packageVersion('@nestjs/core'),
    nestMicroservices: packageVersion('@nestjs/microservices'),
  };
}

export function describeMachine(m: MachineInfo): string {
  return `${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, ${m.os}; Node ${m.node}, @nestjs/core ${m.nestCore}, @nestjs/microservices ${m.nestMicroservices}`;
}

function packageVersion(name: string): string {
  try {
    const manifest = join(process.cwd(), 'node_modules', name, 'package.json');
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
