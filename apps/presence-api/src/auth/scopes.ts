import { SetMetadata } from '@nestjs/common';

export const SCOPES = ['read', 'write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export const PUBLIC_KEY = 'presence:public';
export const SCOPE_KEY = 'presence:scope';

/** Public by design (health, metrics, docs, webhooks, OAuth callback): the route checks something else or nothing. */
export const Public = (reason: string): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, reason);

/** The scope an API key needs for this route. Routes with neither this nor @Public are refused. */
export const RequireScope = (scope: Scope): MethodDecorator & ClassDecorator => SetMetadata(SCOPE_KEY, scope);

/** The authenticated caller, attached to the request by the guard. */
export interface ApiPrincipal {
  keyId: string;
  name: string;
  scopes: Scope[];
}

export function hasScope(principal: ApiPrincipal, scope: Scope): boolean {
  return principal.scopes.includes(scope);
}

/** `Authorization: Bearer <key>`, or (for browsers' WebSocket, which cannot set headers) `?token=`. */
export function bearerToken(authorization: string | string[] | undefined): string | undefined {
  const value = Array.isArray(authorization) ? authorization[0] : authorization;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(value ?? '');
  return match?.[1];
}
