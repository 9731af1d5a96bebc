/** The Hono environment of the API: what middleware puts on the context for the routes. */
import type { Caller } from '../../shared/workbench/access';

export interface ApiEnv {
  Variables: {
    caller: Caller;
    /** API Gateway's request id on AWS, a fresh uuid locally. */
    requestId: string;
  };
}
