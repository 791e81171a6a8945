/**
 * The message of an error-like cause. Duck-typed rather than `instanceof Error`: errors from
 * Node core or another realm (vm contexts, test sandboxes) fail `instanceof` but have a message.
 */
export function messageOf(cause: unknown): string | undefined {
  if (cause !== null && typeof cause === 'object' && typeof (cause as { message?: unknown }).message === 'string') {
    return (cause as { message: string }).message;
  }
  return undefined;
}
