/**
 * A small `multipart/form-data` reader, enough for S3-style POST uploads: text fields and
 * one file part. Parts keep their order because S3 requires the file to come last.
 */

/** One part of a multipart body. */
export interface MultipartPart {
  name: string;
  fileName: string | undefined;
  contentType: string | undefined;
  data: Buffer;
}

/** The boundary of a `multipart/form-data` content type, or undefined. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data\b/i.test(contentType)) return undefined;
  const match = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  return (match?.[1] ?? match?.[2])?.trim();
}

function headerParam(header: string, name: string): string | undefined {
  const match = new RegExp(`\\b${name}="((?:[^"\\\\]|\\\\.)*)"|\\b${name}=([^;\\s]+)`, "i").exec(header);
  const value = match?.[1] ?? match?.[2];
  return value?.replace(/\\(.)/g, "$1");
}

/** Splits a body into parts; throws on a body that doesn't follow RFC 7578. */
export function parseMultipart(body: Buffer, boundary: string): MultipartPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let position = body.indexOf(delimiter);
  if (position < 0) throw new Error("multipart boundary not found");
  for (;;) {
    position += delimiter.length;
    // `--` after a delimiter ends the body.
    if (body.subarray(position, position + 2).toString() === "--") return parts;
    if (body.subarray(position, position + 2).toString() !== "\r\n")
      throw new Error("malformed multipart delimiter");
    position += 2;
    const headerEnd = body.indexOf("\r\n\r\n", position);
    if (headerEnd < 0) throw new Error("malformed multipart headers");
    const headers = body.subarray(position, headerEnd).toString("utf8").split("\r\n");
    const next = body.indexOf(Buffer.concat([Buffer.from("\r\n"), delimiter]), headerEnd + 4);
    if (next < 0) throw new Error("unterminated multipart part");
    let disposition = "";
    let contentType: string | undefined;
    for (const line of headers) {
      const colon = line.indexOf(":");
      const key = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (key === "content-disposition") disposition = value;
      if (key === "content-type") contentType = value;
    }
    const name = headerParam(disposition, "name");
    if (name === undefined) throw new Error("multipart part without a name");
    parts.push({
      name,
      fileName: headerParam(disposition, "filename"),
      contentType,
      data: body.subarray(headerEnd + 4, next),
    });
    position = next + 2;
  }
}
