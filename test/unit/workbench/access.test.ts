import { describe, expect, it } from 'vitest';
import { callerFromClaims, canSee, parseGroups, practicesToRead } from '../../../shared/workbench/access';

describe('parseGroups', () => {
  it('reads an array, the HTTP API authorizer string "[a b]" and a comma list', () => {
    expect(parseGroups(['PRAC1', 'biller'])).toEqual(['PRAC1', 'biller']);
    expect(parseGroups('[PRAC1 PRAC2 biller]')).toEqual(['PRAC1', 'PRAC2', 'biller']);
    expect(parseGroups('PRAC1,biller')).toEqual(['PRAC1', 'biller']);
    expect(parseGroups(undefined)).toEqual([]);
    expect(parseGroups(42)).toEqual([]);
  });
});

describe('callerFromClaims', () => {
  it('takes sub, the practice groups (sorted) and the role', () => {
    expect(callerFromClaims({ sub: 'u-1', 'cognito:groups': ['PRAC2', 'biller', 'PRAC1'] })).toEqual({
      sub: 'u-1',
      role: 'biller',
      practiceIds: ['PRAC1', 'PRAC2'],
    });
  });

  it('keeps the highest role when several are given', () => {
    expect(callerFromClaims({ sub: 'u', 'cognito:groups': '[biller PRAC1 manager]' })?.role).toBe('manager');
    expect(callerFromClaims({ sub: 'u', 'cognito:groups': ['admin', 'PRAC1', 'biller'] })?.role).toBe(
      'admin',
    );
  });

  it('names no caller without sub, role or practice', () => {
    expect(callerFromClaims(undefined)).toBeUndefined();
    expect(callerFromClaims({ 'cognito:groups': ['PRAC1', 'biller'] })).toBeUndefined();
    expect(callerFromClaims({ sub: 'u', 'cognito:groups': ['PRAC1'] })).toBeUndefined();
    expect(callerFromClaims({ sub: 'u', 'cognito:groups': ['biller'] })).toBeUndefined();
    expect(callerFromClaims({ sub: '', 'cognito:groups': ['PRAC1', 'biller'] })).toBeUndefined();
  });

  it('ignores groups that are neither a role nor a practice id', () => {
    const c = callerFromClaims({
      sub: 'u',
      'cognito:groups': ['PRAC1', 'biller', 'us-east-1_Google', 'x y'],
    });
    expect(c?.practiceIds).toEqual(['PRAC1']);
  });
});

describe('scoping', () => {
  const caller = { sub: 'u', role: 'biller' as const, practiceIds: ['PRAC1', 'PRAC3'] };
  it('sees only its practices', () => {
    expect(canSee(caller, 'PRAC1')).toBe(true);
    expect(canSee(caller, 'PRAC2')).toBe(false);
  });
  it('reads all its practices, one asked for, or none for a foreign one', () => {
    expect(practicesToRead(caller)).toEqual(['PRAC1', 'PRAC3']);
    expect(practicesToRead(caller, 'PRAC3')).toEqual(['PRAC3']);
    expect(practicesToRead(caller, 'PRAC2')).toEqual([]);
  });
});
