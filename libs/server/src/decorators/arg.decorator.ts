import { createParamDecorator, ExecutionContext, PipeTransform, Type } from '@nestjs/common';

/**
 * The `index`-th argument the caller passed to an `@RpcService` method, with optional pipes:
 * `sayHello(@Arg(0, TrimPipe) name: string)`. Undecorated parameters get `@Arg(i)` automatically,
 * so global and `@UsePipes` pipes see every argument.
 */
export const Arg: (index?: number, ...pipes: (Type<PipeTransform> | PipeTransform)[]) => ParameterDecorator = createParamDecorator(
  (index: number | undefined, context: ExecutionContext) => {
    const args = context.switchToRpc().getData<unknown[]>();
    return Array.isArray(args) ? args[index ?? 0] : undefined;
  },
);
