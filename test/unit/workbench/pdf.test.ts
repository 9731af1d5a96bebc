import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { PdfWriter, pdfSafe } from '../../../shared/workbench/pdf';
import { pdfPages, pdfText } from '../../support/pdf';

const date = new Date('2026-04-01T00:00:00.000Z');

describe('PdfWriter', () => {
  it('writes text that reads back, with title and dates', async () => {
    const w = await PdfWriter.create({ title: 'Test doc', date });
    w.heading('Hello')
      .paragraph('Amount due $12.50')
      .row([
        { text: 'left', width: 0.5 },
        { text: 'right', width: 0.5, align: 'right' },
      ]);
    const bytes = await w.save();
    const doc = await PDFDocument.load(bytes);
    expect(doc.getPageCount()).toBe(1);
    expect(doc.getTitle()).toBe('Test doc');
    expect(doc.getCreationDate()?.toISOString()).toBe(date.toISOString());
    expect((await pdfText(bytes)).split('\n')).toEqual(['Hello', 'Amount due $12.50', 'left', 'right']);
  });

  it('breaks pages and wraps long paragraphs', async () => {
    const w = await PdfWriter.create({ title: 't', date });
    for (let i = 0; i < 80; i++) w.paragraph(`line ${i}`);
    w.paragraph('word '.repeat(60).trim());
    const pages = await pdfPages(await w.save());
    expect(pages.length).toBe(2);
    expect(pages[0]).toContain('line 0');
    expect(pages[1]).toContain('line 79');
    const wrapped = pages[1]?.split('\n').filter((l) => l.startsWith('word')) ?? [];
    expect(wrapped.length).toBeGreaterThan(1);
  });

  it('is reproducible: same input, same bytes', async () => {
    const make = async () => (await PdfWriter.create({ title: 't', date })).paragraph('x').save();
    expect(Buffer.from(await make()).equals(Buffer.from(await make()))).toBe(true);
  });

  it('replaces characters the standard fonts cannot encode', async () => {
    expect(pdfSafe('Zoë 😀 ok')).toBe('Zoë ?? ok');
    const w = await PdfWriter.create({ title: 't', date });
    expect(await pdfText(await w.paragraph('名前 Ana').save())).toBe('?? Ana');
  });
});
