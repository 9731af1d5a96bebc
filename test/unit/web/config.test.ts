import { describe, expect, it } from 'vitest';
import { parseConsoleConfig } from '../../../web/src/config';

const cognito = {
  kind: 'cognito',
  authority: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123',
  clientId: '4example',
  domain: 'https://claimflow.auth.us-east-1.amazoncognito.com',
  redirectUri: 'https://d111.cloudfront.net/',
  logoutUri: 'https://d111.cloudfront.net/',
};

describe('console config.json', () => {
  it('reads the local form that npm start serves', () => {
    expect(parseConsoleConfig({ apiBaseUrl: '', idleMinutes: 15, auth: { kind: 'local' } })).toEqual({
      apiBaseUrl: '',
      idleMinutes: 15,
      auth: { kind: 'local' },
    });
  });

  it('reads the Cognito form that the web-console construct writes', () => {
    const cfg = parseConsoleConfig({ apiBaseUrl: 'https://api.example.com', idleMinutes: 15, auth: cognito });
    expect(cfg.auth).toEqual(cognito);
  });

  it('accepts a local http API origin without a trailing slash', () => {
    expect(
      parseConsoleConfig({ apiBaseUrl: 'http://127.0.0.1:4000', idleMinutes: 1, auth: { kind: 'local' } })
        .apiBaseUrl,
    ).toBe('http://127.0.0.1:4000');
  });

  it('refuses plain http to a remote host, a zero idle time and a Cognito config missing fields, naming the fields only', () => {
    const bad = () =>
      parseConsoleConfig({
        apiBaseUrl: 'http://api.example.com',
        idleMinutes: 0,
        auth: { kind: 'cognito', clientId: 'x', authority: 'secret-looking-value' },
      });
    expect(bad).toThrow(/apiBaseUrl/);
    expect(bad).toThrow(/idleMinutes/);
    expect(bad).toThrow(/auth\.domain/);
    expect(bad).not.toThrow(/secret-looking-value/);
  });

  it('refuses an unknown auth kind', () => {
    expect(() => parseConsoleConfig({ apiBaseUrl: '', idleMinutes: 15, auth: { kind: 'basic' } })).toThrow(
      /auth/,
    );
  });
});
