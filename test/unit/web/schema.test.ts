import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { SCHEMA_FILE, schemaTypes } from '../../../web/openapi-types';

it('web/src/api/schema.d.ts is generated from the current OpenAPI document (else run npm run web:types)', async () => {
  expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(await schemaTypes());
});
