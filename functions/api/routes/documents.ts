/** A claim's X12 documents: one document's excerpt (this claim's segments), raw and parsed. Wiring only. */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { type DocumentPorts, readClaimDocument } from '../../../shared/workbench/documents';
import type { ApiEnv } from '../context';
import { ClaimIdParam, DocumentIdParam, DocumentViewSchema, ErrorBody } from '../schemas';
import { json, routeName, security } from './billing-common';

export const documentRoute = createRoute({
  method: 'get',
  path: '/api/claims/{claimId}/documents/{documentId}',
  operationId: 'getClaimDocument',
  summary:
    "One X12 document of the claim (ids from the claim detail's documents): this claim's segments only, raw and parsed (audited)",
  security,
  request: { params: z.object({ claimId: ClaimIdParam, documentId: DocumentIdParam }) },
  responses: {
    200: json(DocumentViewSchema, 'The excerpt'),
    400: json(ErrorBody, 'Invalid request'),
    401: json(ErrorBody, 'No or invalid token'),
    404: json(ErrorBody, "No such claim among the caller's practices, or no such document of it"),
  },
});

export function documentRoutes(app: OpenAPIHono<ApiEnv>, ports: DocumentPorts): void {
  app.openapi(documentRoute, async (c) => {
    const { claimId, documentId } = c.req.valid('param');
    const view = await readClaimDocument(ports, c.var.caller, claimId, documentId, {
      route: routeName(documentRoute),
      requestId: c.var.requestId,
    });
    if (!view) return c.json({ error: 'not_found' as const }, 404);
    return c.json(view, 200);
  });
}
