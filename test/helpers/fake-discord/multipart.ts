/** One part of a multipart/form-data body. */
export interface MultipartPart {
  readonly name: string;
  readonly filename: string | undefined;
  readonly contentType: string | undefined;
  readonly data: Buffer;
}

const CRLF = Buffer.from("\r\n");
const HEADER_END = Buffer.from("\r\n\r\n");

/** Reads the boundary parameter of a `multipart/form-data; boundary=…` content type. */
export function multipartBoundary(contentType: string): string | undefined {
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

/**
 * Parses a multipart/form-data body (RFC 7578) byte-exactly: part data may contain CRLFs and any
 * binary, and is cut only at `CRLF--boundary`. Filenames are unescaped the way the WHATWG
 * FormData serialiser (undici) escapes them (`"` → %22, CR → %0D, LF → %0A).
 * @throws if the body is not well-formed multipart for `boundary`
 */
export function parseMultipart(body: Buffer, boundary: string): MultipartPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const partSeparator = Buffer.from(`\r\n--${boundary}`);
  const parts: MultipartPart[] = [];
  let cursor = body.indexOf(delimiter);
  if (cursor === -1) throw new Error("multipart body has no opening boundary");
  cursor += delimiter.length;
  for (;;) {
    if (body.subarray(cursor, cursor + 2).toString("latin1") === "--") return parts;
    if (!body.subarray(cursor, cursor + 2).equals(CRLF)) throw new Error("multipart boundary not followed by CRLF");
    cursor += 2;
    const headerEnd = body.indexOf(HEADER_END, cursor);
    if (headerEnd === -1) throw new Error("multipart part has no header terminator");
    const headers = parsePartHeaders(body.subarray(cursor, headerEnd).toString("utf8"));
    const dataStart = headerEnd + HEADER_END.length;
    const dataEnd = body.indexOf(partSeparator, dataStart);
    if (dataEnd === -1) throw new Error("multipart part is not terminated by a boundary");
    const disposition = headers.get("content-disposition");
    if (disposition === undefined) throw new Error("multipart part has no Content-Disposition");
    const params = parseDispositionParams(disposition);
    const name = params.get("name");
    if (name === undefined) throw new Error("multipart part has no name");
    parts.push({
      name,
      filename: params.get("filename"),
      contentType: headers.get("content-type"),
      data: Buffer.from(body.subarray(dataStart, dataEnd)),
    });
    cursor = dataEnd + partSeparator.length;
  }
}

function parsePartHeaders(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of block.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

function parseDispositionParams(disposition: string): Map<string, string> {
  const params = new Map<string, string>();
  const paramPattern = /;\s*([\w*]+)=(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;
  for (const match of disposition.matchAll(paramPattern)) {
    const key = match[1]!.toLowerCase();
    const raw = match[2] ?? match[3] ?? "";
    if (key === "filename*") {
      // RFC 5987: charset'lang'percent-encoded
      const encoded = raw.replace(/^[^']*'[^']*'/, "");
      params.set("filename", decodeURIComponent(encoded));
    } else if (!(key === "filename" && params.has("filename"))) {
      params.set(key, unescapeFormDataName(raw.replace(/\\(.)/g, "$1")));
    }
  }
  return params;
}

function unescapeFormDataName(value: string): string {
  return value.replace(/%22/g, '"').replace(/%0D/gi, "\r").replace(/%0A/gi, "\n");
}
