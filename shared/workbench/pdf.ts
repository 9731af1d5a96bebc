/**
 * A small flowing-text PDF writer on pdf-lib (US Letter, Helvetica): headings, wrapped paragraphs,
 * fixed-column table rows, automatic page breaks. Pure (no I/O): the bytes depend only on what is
 * written and the document date, so the same input yields the same PDF.
 * Text outside WinAnsi (the standard fonts' encoding) is replaced by '?' rather than failing.
 */
import { PDFDocument, type PDFFont, type PDFPage, StandardFonts } from 'pdf-lib';

const PAGE: [number, number] = [612, 792]; // US Letter, points
const MARGIN = 54;
const WIDTH = PAGE[0] - 2 * MARGIN;

/** Characters the standard fonts can encode (printable ASCII and Latin-1). */
export const pdfSafe = (text: string): string => text.replace(/[^\x20-\x7E\xA0-\xFF]/g, '?');

export interface Column {
  text: string;
  /** Width as a fraction of the text width; the columns of a row should add up to <= 1. */
  width: number;
  align?: 'left' | 'right';
}

export class PdfWriter {
  private page!: PDFPage;
  private y = 0;

  private constructor(
    private readonly doc: PDFDocument,
    private readonly regular: PDFFont,
    private readonly bold: PDFFont,
  ) {
    this.newPage();
  }

  /** `date` becomes the creation and modification date (a fixed one keeps output reproducible). */
  static async create(meta: { title: string; date: Date }): Promise<PdfWriter> {
    const doc = await PDFDocument.create();
    doc.setTitle(pdfSafe(meta.title));
    doc.setProducer('claimflow');
    doc.setCreator('claimflow');
    doc.setCreationDate(meta.date);
    doc.setModificationDate(meta.date);
    const regular = await doc.embedFont(StandardFonts.Helvetica);
    const bold = await doc.embedFont(StandardFonts.HelveticaBold);
    return new PdfWriter(doc, regular, bold);
  }

  private newPage(): void {
    this.page = this.doc.addPage(PAGE);
    this.y = PAGE[1] - MARGIN;
  }

  private room(height: number): void {
    if (this.y - height < MARGIN) this.newPage();
  }

  /** Starts a new page (e.g. between statements). */
  pageBreak(): this {
    this.newPage();
    return this;
  }

  heading(text: string, size = 14): this {
    this.gap(4);
    return this.paragraph(text, { bold: true, size });
  }

  /** Wrapped text; `indent` in points. */
  paragraph(text: string, opts: { bold?: boolean; size?: number; indent?: number } = {}): this {
    const size = opts.size ?? 10;
    const font = opts.bold ? this.bold : this.regular;
    const indent = opts.indent ?? 0;
    for (const raw of pdfSafe(text).split('\n')) {
      for (const line of this.wrap(raw, font, size, WIDTH - indent)) {
        this.room(size + 4);
        this.y -= size + 4;
        this.page.drawText(line, { x: MARGIN + indent, y: this.y, size, font });
      }
    }
    return this;
  }

  /** One table row; cells are cut (with '...') to fit their column. */
  row(columns: readonly Column[], opts: { bold?: boolean; size?: number } = {}): this {
    const size = opts.size ?? 9;
    const font = opts.bold ? this.bold : this.regular;
    this.room(size + 4);
    this.y -= size + 4;
    let x = MARGIN;
    for (const col of columns) {
      const w = col.width * WIDTH;
      const text = this.fit(pdfSafe(col.text), font, size, w - 4);
      const tx = col.align === 'right' ? x + w - 4 - font.widthOfTextAtSize(text, size) : x;
      if (text !== '') this.page.drawText(text, { x: tx, y: this.y, size, font });
      x += w;
    }
    return this;
  }

  gap(points = 8): this {
    this.room(points);
    this.y -= points;
    return this;
  }

  async save(): Promise<Uint8Array> {
    return this.doc.save();
  }

  private wrap(text: string, font: PDFFont, size: number, width: number): string[] {
    if (text === '') return [''];
    const lines: string[] = [];
    let current = '';
    for (const word of text.split(' ')) {
      const next = current === '' ? word : `${current} ${word}`;
      if (font.widthOfTextAtSize(next, size) <= width || current === '') current = next;
      else {
        lines.push(current);
        current = word;
      }
    }
    lines.push(current);
    return lines.map((l) => this.fit(l, font, size, width));
  }

  private fit(text: string, font: PDFFont, size: number, width: number): string {
    if (font.widthOfTextAtSize(text, size) <= width) return text;
    let cut = text;
    while (cut.length > 0 && font.widthOfTextAtSize(`${cut}...`, size) > width) cut = cut.slice(0, -1);
    return `${cut}...`;
  }
}
