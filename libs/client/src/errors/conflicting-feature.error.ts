import { RpcError } from '@nestrpc/common';

/** Two `forFeature` declarations of the same contract and range ask for different options. */
export class ConflictingFeatureError extends RpcError {
  readonly code = 'CONFLICTING_FEATURE';

  constructor(
    readonly service: string,
    readonly range: string,
    first: string,
    second: string,
  ) {
    super(`RpcClientModule.forFeature declares ${service}@${range} twice with different options: ${first} vs ${second}. Declare each contract and range once (different ranges may differ).`);
  }
}
