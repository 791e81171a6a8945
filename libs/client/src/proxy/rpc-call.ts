import { lastValueFrom, Observable } from 'rxjs';

/**
 * What a typed proxy method returns: an Observable (subscribe for every streamed value) that is
 * also awaitable (resolves with the last value, `undefined` for void methods). Like any
 * Observable it is lazy: the call is sent when awaited or subscribed.
 */
export class RpcCall<T> extends Observable<T> implements PromiseLike<T> {
  private promise: Promise<T> | undefined;

  constructor(source: Observable<T>) {
    super((subscriber) => source.subscribe(subscriber));
  }

  then<R1 = T, R2 = never>(onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null, onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null): Promise<R1 | R2> {
    return this.toPromise_().then(onFulfilled, onRejected);
  }

  catch<R = never>(onRejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<T | R> {
    return this.toPromise_().catch(onRejected);
  }

  finally(onFinally?: (() => void) | null): Promise<T> {
    return this.toPromise_().finally(onFinally);
  }

  private toPromise_(): Promise<T> {
    this.promise ??= lastValueFrom(this, { defaultValue: undefined as T });
    return this.promise;
  }
}
