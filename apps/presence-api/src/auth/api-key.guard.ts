import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../errors/api-error';
import { type Authenticated, ApiKeyAuthenticator } from './api-key.authenticator';
import { rateLimitHeaders } from './rate-limiter';
import { PUBLIC_KEY, SCOPE_KEY, type ApiPrincipal, type Scope, bearerToken } from './scopes';

export type AuthenticatedRequest = FastifyRequest & { principal?: ApiPrincipal };

/** What a route declares: public, a scope, or neither (refused). Read once per handler, not per request. */
type RouteAccess = { public: true } | { public: false; scope: Scope | undefined };

/**
 * The one gate for every HTTP route (registered globally): public routes say so with @Public; every other
 * route needs @RequireScope and a valid key with that scope, within the key's rate limit. A route with
 * neither decorator is refused, so a forgotten decorator fails closed. An authenticated answer carries the
 * key's RateLimit-* headers; failed keys are counted per source address.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  /** Controller class -> handler -> access (a handler may be inherited by several controllers). */
  private readonly access = new WeakMap<object, Map<object, RouteAccess>>();

  constructor(
    private readonly reflector: Reflector,
    @Inject(ApiKeyAuthenticator) private readonly authenticator: ApiKeyAuthenticator,
  ) {}

  /** A boolean when the key is known and counted in this process (Nest then awaits nothing); a promise otherwise. */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const access = this.accessOf(context);
    if (access.public) return true;
    if (!access.scope) throw ApiError.forbidden('this route declares no scope, so no key may call it');
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const reply = http.getResponse<FastifyReply>();
    const answer = this.authenticator.check(bearerToken(request.headers.authorization), access.scope, request.socket.remoteAddress);
    return answer instanceof Promise ? answer.then((authenticated) => admit(request, reply, authenticated)) : admit(request, reply, answer);
  }

  private accessOf(context: ExecutionContext): RouteAccess {
    const handler = context.getHandler();
    const controller = context.getClass();
    let handlers = this.access.get(controller);
    if (handlers === undefined) this.access.set(controller, (handlers = new Map()));
    let access = handlers.get(handler);
    if (access === undefined) {
      const targets = [handler, controller];
      access = this.reflector.getAllAndOverride<string | undefined>(PUBLIC_KEY, targets)
        ? { public: true }
        : { public: false, scope: this.reflector.getAllAndOverride<Scope | undefined>(SCOPE_KEY, targets) };
      handlers.set(handler, access);
    }
    return access;
  }
}

/** The caller is in: who it is, and its key's RateLimit-* headers on the answer. */
function admit(request: AuthenticatedRequest, reply: FastifyReply, { principal, rate }: Authenticated): true {
  request.principal = principal;
  reply.headers(rateLimitHeaders(rate));
  return true;
}
