/**
 * Assets (API-NOTES §7): metadata under /v2, plus the two endpoints that stand in for S3 and
 * the CDN — an upload URL taking an S3-style multipart POST, and the hosted file URL.
 */
import { createHash } from "node:crypto";
import { type ErrorDetail, notFound, validationError } from "./api-error.ts";
import { type ApiContext, type ApiRequest, type ApiResponse, findSite, requireObject } from "./context.ts";
import { mintId, nowIso } from "./ids.ts";
import { parseMultipart, multipartBoundary } from "./multipart.ts";
import { type AssetRecord, assetView, hostedUrl } from "./store.ts";
import { contentTypeFor } from "../core/content-types.ts";

/** The S3 object key Webflow's upload details carry: `<siteId>/<assetId>_<fileName>`. */
function objectKey(asset: AssetRecord): string {
  return `${asset.siteId}/${asset.id}_${asset.fileName}`;
}

function createAsset(context: ApiContext, siteId: string, body: unknown): ApiResponse {
  const site = findSite(context, siteId);
  const { fileName, fileHash, parentFolder } = requireObject(body);
  const details: ErrorDetail[] = [];
  if (typeof fileName !== "string" || fileName === "" || fileName.length >= 100 || fileName.includes("/")) {
    details.push({
      param: "fileName",
      description: "File name including extension, less than 100 characters",
    });
  }
  if (typeof fileHash !== "string" || !/^[0-9a-f]{32}$/i.test(fileHash)) {
    details.push({ param: "fileHash", description: "MD5 hash of the file as 32 hex characters" });
  }
  if (parentFolder !== undefined && parentFolder !== null && typeof parentFolder !== "string") {
    details.push({ param: "parentFolder", description: "Expected a folder id" });
  }
  if (details.length > 0) throw validationError(details);
  const now = nowIso();
  const asset: AssetRecord = {
    id: mintId(),
    siteId: site.id,
    fileName: fileName as string,
    fileHash: (fileHash as string).toLowerCase(),
    contentType: contentTypeFor(fileName as string),
    size: 0,
    parentFolder: (parentFolder as string | null | undefined) ?? null,
    altText: null,
    createdOn: now,
    lastUpdated: now,
    isUploaded: false,
  };
  context.store.assets.set(asset.id, asset);
  const hosted = hostedUrl(asset, context.origin);
  return {
    status: 200,
    isChange: true,
    body: {
      id: asset.id,
      contentType: asset.contentType,
      parentFolder: asset.parentFolder,
      uploadUrl: `${context.origin}/upload/${asset.id}`,
      // Fake S3 POST policy fields; only `key`, `content-type` and `success_action_status` matter to us.
      uploadDetails: {
        acl: "public-read",
        bucket: "wf-sync-sandbox",
        "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
        "X-Amz-Credential": `SANDBOX/${now.slice(0, 10).replace(/-/g, "")}/us-east-1/s3/aws4_request`,
        "X-Amz-Date": now.replace(/[-:]/g, "").replace(/\.\d{3}/, ""),
        key: objectKey(asset),
        Policy: Buffer.from(JSON.stringify({ key: objectKey(asset) })).toString("base64"),
        "X-Amz-Signature": createHash("sha256").update(asset.id).digest("hex"),
        success_action_status: "201",
        "content-type": asset.contentType,
        "Cache-Control": "max-age=31536000, must-revalidate",
      },
      assetUrl: hosted,
      hostedUrl: hosted,
      originalFileName: asset.fileName,
      createdOn: asset.createdOn,
      lastUpdated: asset.lastUpdated,
    },
  };
}

function publicAsset(context: ApiContext, asset: AssetRecord): Record<string, unknown> {
  // fileHash/isUploaded are our additions to the test-facing view; the wire shape leaves them out.
  const {
    fileHash: _fileHash,
    isUploaded: _isUploaded,
    parentFolder,
    ...view
  } = assetView(asset, context.origin);
  return { ...view, folderId: parentFolder };
}

function listAssets(context: ApiContext, siteId: string, query: URLSearchParams): ApiResponse {
  const site = findSite(context, siteId);
  const folderId = query.get("folderId");
  const all = [...context.store.assets.values()].filter(
    (asset) => asset.siteId === site.id && (folderId === null || asset.parentFolder === folderId),
  );
  const limitParam = Number(query.get("limit") ?? 100);
  const limit = Number.isInteger(limitParam) && limitParam > 0 ? Math.min(100, limitParam) : 100;
  const offsetParam = Number(query.get("offset") ?? 0);
  const offset = Number.isInteger(offsetParam) && offsetParam > 0 ? offsetParam : 0;
  return {
    status: 200,
    body: {
      assets: all.slice(offset, offset + limit).map((asset) => publicAsset(context, asset)),
      pagination: { limit, offset, total: all.length },
    },
  };
}

/** Handles `/sites/{id}/assets` and `/assets/{id}`. */
export function handleAssets(context: ApiContext, request: ApiRequest): ApiResponse | undefined {
  const { method, segments, query, body } = request;
  const [root, id, sub, extra] = segments;
  if (extra !== undefined || id === undefined) return undefined;
  if (root === "sites" && sub === "assets") {
    if (method === "GET") return listAssets(context, id, query);
    if (method === "POST") return createAsset(context, id, body);
  }
  if (root === "assets" && sub === undefined && method === "GET") {
    const asset = context.store.assets.get(id);
    if (!asset) throw notFound("asset");
    const { folderId: _folderId, ...view } = publicAsset(context, asset);
    return { status: 200, body: view };
  }
  return undefined;
}

/** An S3-style answer: XML body, as S3 sends. */
export interface UploadResult {
  status: number;
  contentType: string;
  body: string;
  isChange: boolean;
  /** What to record for this request instead of the raw bytes. */
  summary: unknown;
}

function s3Error(status: number, code: string, message: string, summary: unknown = undefined): UploadResult {
  return {
    status,
    contentType: "application/xml",
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`,
    isChange: false,
    summary,
  };
}

/**
 * `POST /upload/{assetId}`: S3 POST Object semantics — form fields first, `file` last,
 * `success_action_status` picks the status. The bytes must hash to the asset's `fileHash`.
 */
export function handleUpload(
  context: ApiContext,
  assetId: string,
  contentType: string | undefined,
  raw: Buffer,
): UploadResult {
  const asset = context.store.assets.get(assetId);
  if (!asset) return s3Error(404, "NoSuchUpload", "The specified upload does not exist.");
  const boundary = multipartBoundary(contentType);
  if (!boundary)
    return s3Error(
      412,
      "PreconditionFailed",
      "Bucket POST must be of the enclosure-type multipart/form-data",
    );
  let parts;
  try {
    parts = parseMultipart(raw, boundary);
  } catch (error) {
    return s3Error(
      400,
      "MalformedPOSTRequest",
      `The body of your POST request is not well-formed multipart/form-data: ${(error as Error).message}`,
    );
  }
  const fields: Record<string, string> = {};
  for (const part of parts.slice(0, -1)) fields[part.name] = part.data.toString("utf8");
  const file = parts.at(-1);
  const summary = {
    fields,
    file: file ? { name: file.name, fileName: file.fileName, size: file.data.length } : undefined,
  };
  if (!file || file.name !== "file" || parts.slice(0, -1).some((part) => part.name === "file")) {
    return s3Error(
      400,
      "InvalidArgument",
      "POST requires exactly one file upload per request, as the last form field.",
      summary,
    );
  }
  if (fields["key"] !== objectKey(asset)) {
    return s3Error(403, "AccessDenied", "Invalid according to Policy: Policy Condition failed: key", summary);
  }
  const md5 = createHash("md5").update(file.data).digest("hex");
  if (md5 !== asset.fileHash) {
    return s3Error(
      400,
      "BadDigest",
      `The MD5 of the uploaded file (${md5}) does not match the fileHash given for the asset (${asset.fileHash}).`,
      summary,
    );
  }
  context.store.files.set(asset.id, Buffer.from(file.data));
  asset.size = file.data.length;
  asset.contentType = fields["content-type"] ?? file.contentType ?? asset.contentType;
  asset.isUploaded = true;
  asset.lastUpdated = nowIso();
  const wanted = fields["success_action_status"];
  const status = wanted === "200" || wanted === "201" ? Number(wanted) : 204;
  const location = hostedUrl(asset, context.origin);
  const body =
    status === 201
      ? `<?xml version="1.0" encoding="UTF-8"?>\n<PostResponse><Location>${location}</Location><Bucket>wf-sync-sandbox</Bucket><Key>${objectKey(asset)}</Key><ETag>"${md5}"</ETag></PostResponse>`
      : "";
  return { status, contentType: "application/xml", body, isChange: true, summary };
}

/** `GET /files/{siteId}/{assetId}_{name}`: the uploaded bytes, or undefined when there are none. */
export function findHostedFile(
  context: ApiContext,
  siteId: string,
  fileSegment: string,
): { data: Buffer; contentType: string } | undefined {
  const assetId = fileSegment.split("_")[0] ?? "";
  const asset = context.store.assets.get(assetId);
  const data = context.store.files.get(assetId);
  if (!asset || !data || asset.siteId !== siteId || fileSegment !== `${asset.id}_${asset.fileName}`)
    return undefined;
  return { data, contentType: asset.contentType };
}
