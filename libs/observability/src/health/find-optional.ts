import { Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';

/** A provider from anywhere in the app (the RPC modules need not be global), or undefined. */
export function findOptional<T>(moduleRef: ModuleRef, token: Type<T>): T | undefined {
  try {
    return moduleRef.get(token, { strict: false });
  } catch {
    return undefined;
  }
}
