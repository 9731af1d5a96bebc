/**
 * How the API learns who calls. Either strategy yields verified token claims (or undefined -> 401);
 * shared/workbench/access.ts turns them into a Caller.
 * - On AWS, API Gateway's JWT authorizer (Cognito) has verified the token; the claims are in the
 *   Lambda event's requestContext.authorizer.jwt.claims (hono/aws-lambda passes the event as c.env).
 * - Locally, a bearer JWT signed HS256 with a local key (never a production key), same claims.
 */
import type { Context } from 'hono';
import { sign, verify } from 'hono/jwt';

export type Authenticate = (c: Context) => Promise<Record<string, unknown> | undefined>;

interface LambdaBindings {
  requestContext?: { authorizer?: { jwt?: { claims?: Record<string, unknown> } } };
}

/** Claims verified by API Gateway's Cognito JWT authorizer. */
export function cognitoAuthorizer(): Authenticate {
  return async (c) => {
    const env = c.env as LambdaBindings | undefined;
    const claims = env?.requestContext?.authorizer?.jwt?.claims;
    return claims && typeof claims === 'object' ? claims : undefined;
  };
}

export const LOCAL_ISSUER = 'claimflow-local';
const MIN_SECRET_LENGTH = 32;

/** Bearer JWT (HS256, issuer claimflow-local, exp checked when present) signed with a local secret. */
export function localJwt(secret: string): Authenticate {
  if (secret.length < MIN_SECRET_LENGTH)
    throw new Error(`local JWT secret must be >= ${MIN_SECRET_LENGTH} chars`);
  return async (c) => {
    const m = /^Bearer\s+([A-Za-z0-9._-]+)$/.exec(c.req.header('authorization') ?? '');
    if (!m?.[1]) return undefined;
    try {
      return await verify(m[1], secret, { alg: 'HS256', iss: LOCAL_ISSUER });
    } catch {
      return undefined;
    }
  };
}

/** A local token for a user (tests, `npm start`): sub, cognito:groups (practice ids + role), 1 h. */
export async function signLocalToken(
  secret: string,
  user: { sub: string; groups: string[] },
  opts: { now?: Date; ttlSeconds?: number } = {},
): Promise<string> {
  const iat = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  return sign(
    {
      sub: user.sub,
      'cognito:groups': user.groups,
      iss: LOCAL_ISSUER,
      iat,
      exp: iat + (opts.ttlSeconds ?? 3600),
    },
    secret,
    'HS256',
  );
}
