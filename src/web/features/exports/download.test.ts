import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, NetworkError } from '../../lib/api';
import { type DownloadProgress, streamDownload, subjectCounter } from './download';

describe('subjectCounter', () => {
  it('counts SubjectData start tags cut anywhere, not the Context ones', () => {
    const doc =
      '<ODM><ClinicalData><SubjectData SubjectKey="FR01-001" TransactionType="Insert"><SiteRef/></SubjectData>' +
      '<SubjectData SubjectKey="FR01-001" TransactionType="Context"><Signature/></SubjectData>' +
      '<SubjectData SubjectKey="FR01-002"></SubjectData></ClinicalData></ODM>';
    for (const size of [1, 3, 7, 50, doc.length]) {
      const c = subjectCounter();
      let n = 0;
      for (let i = 0; i < doc.length; i += size) n = c.feed(doc.slice(i, i + size));
      expect(n, `chunks of ${size}`).toBe(2);
    }
  });
});

function response(
  chunks: string[],
  init: ResponseInit & { headers?: Record<string, string> } = {},
) {
  const enc = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(ctrl) {
      for (const c of chunks) ctrl.enqueue(enc.encode(c));
      ctrl.close();
    },
  });
  return new Response(body, init);
}

describe('streamDownload', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('reports bytes and subjects as they arrive and names the file as the server does', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () =>
        response(
          [
            '<ODM><SubjectData SubjectKey="A">',
            '</SubjectData><SubjectData SubjectKey="B"/>',
            '</ODM>\n',
          ],
          {
            headers: {
              'x-subject-count': '2',
              'content-disposition': 'attachment; filename="dream-odm.xml"',
              'content-type': 'application/xml',
            },
          },
        ),
      ),
    );
    const seen: DownloadProgress[] = [];
    const file = await streamDownload('/api/exports/odm', {
      kind: 'odm',
      fallbackName: 'x.xml',
      onProgress: (p) => seen.push(p),
    });
    expect(file.filename).toBe('dream-odm.xml');
    expect(await file.blob.text()).toContain('SubjectKey="B"');
    expect(seen.map((p) => p.subjects)).toEqual([0, 1, 2, 2]);
    expect(seen.at(-1)).toEqual({ bytes: 83, subjects: 2, total: 2 });
  });

  it('turns a refusal into an ApiError with the server message', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(
        async () =>
          new Response(JSON.stringify({ error: { code: 'forbidden', message: 'No.' } }), {
            status: 403,
          }),
      ),
    );
    const err = await streamDownload('/x', {
      kind: 'other',
      fallbackName: 'x',
      onProgress: () => {},
    }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 403, code: 'forbidden', message: 'No.' });
  });

  it('refuses an ODM file that stops before its end, and reports an unreachable server', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => response(['<ODM><SubjectData SubjectKey="A">'])),
    );
    await expect(
      streamDownload('/x', { kind: 'odm', fallbackName: 'x', onProgress: () => {} }),
    ).rejects.toBeInstanceOf(NetworkError);
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))),
    );
    await expect(
      streamDownload('/x', { kind: 'other', fallbackName: 'x', onProgress: () => {} }),
    ).rejects.toBeInstanceOf(NetworkError);
  });
});
