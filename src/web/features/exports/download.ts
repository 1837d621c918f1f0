import { ApiError, NetworkError } from '../../lib/api';

/**
 * Downloads an export while it streams, reporting progress: bytes received and, for ODM
 * files, subjects received against the total the server announces (`X-Subject-Count`).
 * The server writes a subject page at a time, so the counter moves as the study is read.
 */

export interface DownloadProgress {
  readonly bytes: number;
  /** Subjects received so far (ODM only). */
  readonly subjects: number | undefined;
  /** Subjects the file will hold, when the server says. */
  readonly total: number | undefined;
}

/**
 * Counts the subjects of an ODM document as its text arrives in arbitrary pieces: every
 * `SubjectData` start tag except the `TransactionType="Context"` ones that carry a
 * transactional file's earlier signatures.
 */
export function subjectCounter(): { feed(text: string): number } {
  let carry = '';
  let count = 0;
  return {
    feed(text: string): number {
      const s = carry + text;
      const re = /<SubjectData\b([^>]*)>/g;
      let end = 0;
      for (let m = re.exec(s); m; m = re.exec(s)) {
        if (!/TransactionType="Context"/.test(m[1] ?? '')) count++;
        end = re.lastIndex;
      }
      // A tag cut by the chunk boundary waits for the rest.
      const lt = s.lastIndexOf('<');
      carry = lt >= end && !s.includes('>', lt) ? s.slice(lt) : '';
      return count;
    },
  };
}

export interface Downloaded {
  readonly blob: Blob;
  readonly filename: string;
}

function filenameOf(res: Response, fallback: string): string {
  const m = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '');
  return m?.[1] ?? fallback;
}

/**
 * Fetches `url`, reading the body chunk by chunk. Refusals become ApiError (with the server's
 * message), an unreachable server a NetworkError; an ODM file that stops before `</ODM>` (the
 * server failed mid-way) is an error too, never a silently truncated download.
 */
export async function streamDownload(
  url: string,
  opts: {
    readonly kind: 'odm' | 'other';
    readonly fallbackName: string;
    readonly onProgress: (p: DownloadProgress) => void;
    readonly signal?: AbortSignal;
  },
): Promise<Downloaded> {
  let res: Response;
  try {
    res = await fetch(url, {
      credentials: 'same-origin',
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new NetworkError((err as Error).message);
  }
  if (!res.ok) {
    let body: { error?: { code?: string; message?: string } } | undefined;
    try {
      body = (await res.json()) as typeof body;
    } catch {
      body = undefined;
    }
    throw new ApiError(
      res.status,
      body?.error?.code ?? 'error',
      body?.error?.message ?? res.statusText,
    );
  }
  const totalHeader = res.headers.get('x-subject-count');
  const total = totalHeader === null ? undefined : Number(totalHeader);
  const counter = opts.kind === 'odm' ? subjectCounter() : undefined;
  const decoder = new TextDecoder();
  const parts: Uint8Array[] = [];
  let bytes = 0;
  let subjects: number | undefined = counter ? 0 : undefined;
  let tail = '';
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  opts.onProgress({ bytes, subjects, total });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      bytes += value.byteLength;
      if (counter) {
        const text = decoder.decode(value, { stream: true });
        subjects = counter.feed(text);
        tail = (tail + text).slice(-32);
      }
      opts.onProgress({ bytes, subjects, total });
    }
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new NetworkError((err as Error).message);
  }
  if (counter && !tail.trimEnd().endsWith('</ODM>')) throw new NetworkError('incomplete');
  return {
    blob: new Blob(parts as BlobPart[], {
      type: res.headers.get('content-type') ?? 'application/octet-stream',
    }),
    filename: filenameOf(res, opts.fallbackName),
  };
}

/** Hands a downloaded file to the browser's save dialog. */
export function saveFile({ blob, filename }: Downloaded): void {
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  // Some browsers read the object URL after click() returns.
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}
