import { readFile } from 'node:fs/promises';
import { validateXML } from 'xmllint-wasm';

/**
 * Validation of a document against the official CDISC ODM 1.3.2 schema (the files in
 * ./xsd, copied from the CDISC distribution), with libxml2 compiled to WebAssembly, so that
 * it runs wherever Node runs — no native xmllint needed. Used by the tests and the benchmark.
 */

const XSD_DIR = new URL('./xsd/', import.meta.url);
const FILES = ['ODM1-3-2.xsd', 'ODM1-3-2-foundation.xsd', 'xml.xsd', 'xmldsig-core-schema.xsd'];

let schema: Promise<{ fileName: string; contents: string }[]> | undefined;
function loadSchema() {
  schema ??= Promise.all(
    FILES.map(async (fileName) => ({
      fileName,
      contents: await readFile(new URL(fileName, XSD_DIR), 'utf8'),
    })),
  );
  return schema;
}

export interface OdmValidation {
  valid: boolean;
  errors: string[];
}

export async function validateOdm(xml: string): Promise<OdmValidation> {
  const [main, ...preload] = await loadSchema();
  const result = await validateXML({
    xml: [{ fileName: 'export.xml', contents: xml }],
    schema: [main as { fileName: string; contents: string }],
    preload,
    // Documents of a few hundred subjects need more than the default 16 MiB.
    maxMemoryPages: 16 * 1024,
  });
  return { valid: result.valid, errors: result.errors.map((e) => e.rawMessage) };
}
