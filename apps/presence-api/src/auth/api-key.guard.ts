import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ApiError } from '../errors/api-error';
import { ApiKeyAuthenticator } from './api-key.authenticator';
import { PUBLIC_KEY, SCOPE_KEY, type ApiPrincipal, type Scope, bearerToken } from './scopes';

export type AuthenticatedRequest = Request & { principal?: ApiPrincipal };

/**
 * The one gate for every HTTP route (registered globally): public routes say so with @Public; every other
 * route needs @RequireScope and a valid key with that scope, within the key's rate limit. A route with
 * neither decorator is refused, so a forgotten decorator fails closed.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(ApiKeyAuthenticator) private readonly authenticator: ApiKeyAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<string | undefined>(PUBLIC_KEY, targets)) return true;
    const scope = this.reflector.getAllAndOverride<Scope | undefined>(SCOPE_KEY, targets);
    if (!scope) throw ApiError.forbidden('this route declares no scope, so no key may call it');
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    request.principal = await this.authenticator.authenticate(bearerToken(request.headers.authorization), scope);
    return true;
  }
}
