import { z } from 'zod';
import type { InboundMessage } from '../../shared/webhooks/receive';

/** The queue message receive-webhook sends for an inbound X12 file. */
export const inboundMessageSchema = z.object({
  bucket: z.string().min(1),
  key: z.string().min(1),
  contentHash: z.string().regex(/^[0-9a-f]{64}$/),
  clearinghouse: z.string().min(1),
  kind: z.enum(['835', '999', '277']),
  receivedAt: z.string(),
}) satisfies z.ZodType<InboundMessage>;
