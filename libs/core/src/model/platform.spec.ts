import { InvalidInputError } from './errors';
import { isPlatform, parsePlatform, PLATFORMS } from './platform';

describe('platform names', () => {
  it('parses every platform case-insensitively', () => {
    for (const platform of PLATFORMS) expect(parsePlatform(platform.toUpperCase())).toBe(platform);
  });

  it('rejects unknown names with a typed error that lists the valid ones', () => {
    expect(() => parsePlatform('myspace')).toThrow(InvalidInputError);
    expect(() => parsePlatform(42)).toThrow(/discord, slack/);
    expect(isPlatform('Discord')).toBe(false);
  });
});
