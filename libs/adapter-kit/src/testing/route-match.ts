import type { EmulatorRequest, RequestMatcher } from './emulator-types';

/** Compiles `/users/:id/presence` (or a RegExp) into a matcher that returns the params or null. */
export function compilePattern(pattern: string | RegExp): (path: string) => Record<string, string> | null {
  if (pattern instanceof RegExp) {
    return (path) => {
      const match = pattern.exec(path);
      return match ? { ...(match.groups ?? {}) } : null;
    };
  }
  const names: string[] = [];
  const source = pattern
    .split('/')
    .map((segment) => {
      if (segment === '*') return '.*';
      if (segment.startsWith(':')) {
        names.push(segment.slice(1));
        return '([^/]+)';
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  const regex = new RegExp(`^${source}/?$`);
  return (path) => {
    const match = regex.exec(path);
    if (!match) return null;
    return Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1])]));
  };
}

export function matches(matcher: RequestMatcher, req: EmulatorRequest): boolean {
  if (typeof matcher === 'function') return matcher(req);
  return compilePattern(matcher)(req.path) !== null;
}
