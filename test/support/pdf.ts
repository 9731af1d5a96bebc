/**
 * Reads back the text of a PDF written with pdf-lib's standard fonts: each page's content stream is
 * decoded (pdf-lib's own filters) and the hex strings shown with Tj are turned back into text, one
 * line per Tj. Enough to check what claimflow's PDFs say; not a general PDF text extractor.
 */
import { decodePDFRawStream, PDFArray, PDFDocument, PDFRawStream, type PDFRef } from 'pdf-lib';

export async function pdfPages(bytes: Uint8Array): Promise<string[]> {
  const doc = await PDFDocument.load(bytes);
  return doc.getPages().map((page) => {
    const contents = page.node.Contents();
    const streams =
      contents instanceof PDFArray
        ? contents.asArray().map((r) => doc.context.lookup(r as PDFRef))
        : [contents];
    const lines: string[] = [];
    for (const s of streams) {
      if (!(s instanceof PDFRawStream)) continue;
      const ops = Buffer.from(decodePDFRawStream(s).decode()).toString('latin1');
      for (const m of ops.matchAll(/<([0-9A-Fa-f]*)>\s*Tj/g)) {
        lines.push(Buffer.from(m[1] ?? '', 'hex').toString('latin1'));
      }
    }
    return lines.join('\n');
  });
}

export async function pdfText(bytes: Uint8Array): Promise<string> {
  return (await pdfPages(bytes)).join('\n');
}
