/**
 * The error base lives in @nestrpc/common (one root for transport, discovery and the starters);
 * transport re-exports it under the name users already import from here.
 */
export { RpcError } from '@nestrpc/common';
export type { RpcErrorOptions } from '@nestrpc/common';
