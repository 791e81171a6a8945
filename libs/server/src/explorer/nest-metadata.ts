/**
 * Metadata keys Nest itself writes (stable since Nest 8). Named here rather than deep-imported,
 * because Nest 12 publishes ESM with an `exports` map that hides internal paths.
 */
export const ROUTE_ARGS_METADATA = '__routeArguments__';
export const PATTERN_METADATA = 'microservices:pattern';
export const PATTERN_HANDLER_METADATA = 'microservices:handler_type';
export const TRANSPORT_METADATA = 'microservices:transport';
/** `PatternHandler.EVENT` in @nestjs/microservices. */
export const EVENT_HANDLER_TYPE = 2;
/** `RpcParamtype` in @nestjs/microservices. */
export const PAYLOAD_PARAM_TYPE = 3;
export const CONTEXT_PARAM_TYPE = 6;
