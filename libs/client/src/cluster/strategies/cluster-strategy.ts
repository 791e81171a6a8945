import { Observable } from 'rxjs';
import { ClusterCall, ClusterInvoker } from '../cluster-invoker';

/** Fault tolerance around the balancer: turns one call into attempts on instances. */
export type ClusterStrategy = (invoker: ClusterInvoker, call: ClusterCall) => Observable<unknown>;
