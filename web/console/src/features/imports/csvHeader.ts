/** Reads a CSV file's header row in the browser, to offer a column mapping before importing. */

const DELIMITERS = [';', ',', '\t', '|'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

function decode(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // Turkish Excel saves CSV as Windows-1254; the importer detects the same.
    return new TextDecoder('windows-1254').decode(bytes);
  }
}

/** Cells of one CSV line, honouring double quotes. */
function splitLine(line: string, delimiter: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let index = 0; index < line.length; index += 1) {
    const char = line[index];
    if (quoted) {
      if (char === '"' && line[index + 1] === '"') {
        cell += '"';
        index += 1;
      } else if (char === '"') {
        quoted = false;
      } else {
        cell += char;
      }
    } else if (char === '"') {
      quoted = true;
    } else if (char === delimiter) {
      cells.push(cell.trim());
      cell = '';
    } else {
      cell += char;
    }
  }
  cells.push(cell.trim());
  return cells;
}

function detectDelimiter(line: string): Delimiter {
  let best: Delimiter = ',';
  let bestCount = 0;
  for (const delimiter of DELIMITERS) {
    const count = splitLine(line, delimiter).length - 1;
    if (count > bestCount) {
      best = delimiter;
      bestCount = count;
    }
  }
  return best;
}

export interface CsvHeader {
  delimiter: Delimiter;
  columns: string[];
}

/** The first non-empty line of the file as columns; null when the file is not text. */
export async function readCsvHeader(file: File): Promise<CsvHeader | null> {
  const bytes = new Uint8Array(await file.slice(0, 64 * 1024).arrayBuffer());
  let text = decode(bytes).replace(/^\uFEFF/, '');
  const lines = text.split(/\r?\n/);
  let first = lines.find((line) => line.trim() !== '') ?? '';
  // Excel's `sep=;` hint line names the delimiter.
  const hint = /^sep=(.)$/i.exec(first.trim());
  if (hint?.[1]) {
    text = lines.slice(lines.indexOf(first) + 1).join('\n');
    first = text.split(/\r?\n/).find((line) => line.trim() !== '') ?? '';
  }
  if (!first) return null;
  const delimiter = (hint?.[1] as Delimiter | undefined) ?? detectDelimiter(first);
  return { delimiter, columns: splitLine(first, delimiter) };
}

export function isCsvLike(file: File): boolean {
  return /\.(csv|txt|tsv)$/i.test(file.name);
}
