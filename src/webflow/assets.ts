/** Site assets: listing, creating an asset record, and uploading its bytes to the storage host. */
import { setTimeout as sleep } from "node:timers/promises";
import { WebflowApiError } from "../errors.ts";
import { loadUndici, type Http } from "./http.ts";
import type { AssetUpload } from "./types.ts";

/** The asset methods of the client. */
export function createAssetsApi(http: Http) {
  const { run } = http;
  return {
    async listAssets(
      siteId: string,
    ): Promise<Array<{ assetId: string; fileName: string; size: number; hostedUrl: string }>> {
      type RawAsset = {
        id: string;
        originalFileName?: string;
        displayName?: string;
        size?: number;
        hostedUrl?: string;
      };
      const raw = await http.listAll<RawAsset>(`/sites/${encodeURIComponent(siteId)}/assets`, "assets", {});
      return raw.map((asset) => ({
        assetId: asset.id,
        fileName: asset.originalFileName ?? asset.displayName ?? "",
        size: asset.size ?? -1,
        hostedUrl: asset.hostedUrl ?? "",
      }));
    },
    async createAsset(
      siteId: string,
      assetOptions: { fileName: string; fileHash: string },
    ): Promise<AssetUpload> {
      const raw = await run<{
        id: string;
        uploadUrl: string;
        uploadDetails?: Record<string, string>;
        hostedUrl?: string;
        assetUrl?: string;
      }>(
        "POST",
        `/sites/${encodeURIComponent(siteId)}/assets`,
        // Creating the asset record twice only leaves an unused record; the upload is what matters.
        { isIdempotent: true, body: { fileName: assetOptions.fileName, fileHash: assetOptions.fileHash } },
      );
      return {
        assetId: raw.id,
        uploadUrl: raw.uploadUrl,
        uploadDetails: raw.uploadDetails ?? {},
        hostedUrl: raw.hostedUrl ?? raw.assetUrl ?? "",
      };
    },
    uploadAsset: (
      upload: AssetUpload,
      uploadOptions: { bytes: Uint8Array; fileName: string; contentType: string },
    ): Promise<void> => uploadAsset(http, upload, uploadOptions),
  };
}

/** Posts the bytes to the storage host (S3 POST Object), retrying 5xx and network failures. */
async function uploadAsset(
  http: Http,
  upload: AssetUpload,
  uploadOptions: { bytes: Uint8Array; fileName: string; contentType: string },
): Promise<void> {
  const { FormData, request } = await loadUndici();
  const form = new FormData();
  for (const [key, value] of Object.entries(upload.uploadDetails)) form.append(key, value);
  // S3 POST Object rules: the file goes last.
  form.append(
    "file",
    new Blob([new Uint8Array(uploadOptions.bytes)], { type: uploadOptions.contentType }),
    uploadOptions.fileName,
  );
  for (let attempt = 0; ; attempt++) {
    try {
      // The storage host is not the API: no token goes there.
      const response = await request(upload.uploadUrl, {
        method: "POST",
        body: form,
        dispatcher: await http.dispatcher(),
      });
      const text = await response.body.text();
      if (response.statusCode < 300) return;
      if (response.statusCode < 500 || attempt >= http.maxRetries) {
        throw new WebflowApiError({
          endpoint: "POST <asset upload>",
          status: response.statusCode,
          message: http.redact(text.slice(0, 200)),
        });
      }
    } catch (error) {
      if (error instanceof WebflowApiError || attempt >= http.maxRetries) throw error;
    }
    http.stats.retries++;
    await sleep(http.backoffMs(attempt));
  }
}
