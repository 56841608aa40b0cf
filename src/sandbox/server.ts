/**
 * The HTTP side of the sandbox: auth, rate limit, faults, routing, recording and persistence
 * around the plain handlers in items-api/schema-api/assets-api.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { type IncomingMessage, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { basename, dirname, extname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { ApiError, badRequest, notFound } from "./api-error.ts";
import { findHostedFile, handleAssets, handleUpload } from "./assets-api.ts";
import type { ApiContext, ApiRequest, ApiResponse } from "./context.ts";
import { handleItems } from "./items-api.ts";
import { FaultInjector, RateLimiter } from "./limits.ts";
import { handleSchema } from "./schema-api.ts";
import { SandboxStore, type StateFile, assetView, liveItem, stagedItem } from "./store.ts";
import type { RecordedRequest, Sandbox, SandboxItem, SandboxOptions, SandboxStats } from "./types.ts";

const JSON_TYPE = "application/json; charset=utf-8";

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

/** Where uploaded bytes live beside the state file: `sandbox.json` → `sandbox.files/`. */
function filesDirOf(statePath: string): string {
  return join(dirname(statePath), `${basename(statePath, extname(statePath))}.files`);
}

async function writeAtomically(path: string, data: string | Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  // A unique temp name per write, then rename: a reader never sees half a file.
  const temp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(temp, data);
  await rename(temp, path);
}

async function loadStore(statePath: string | undefined): Promise<SandboxStore> {
  if (!statePath) return new SandboxStore();
  let text: string;
  try {
    text = await readFile(statePath, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return new SandboxStore();
    throw error;
  }
  const store = SandboxStore.fromJSON(JSON.parse(text) as StateFile);
  for (const asset of store.assets.values()) {
    if (!asset.isUploaded) continue;
    try {
      store.files.set(asset.id, await readFile(join(filesDirOf(statePath), asset.id)));
    } catch {
      // The bytes are gone (someone cleaned the folder): the asset is back to "not uploaded".
      asset.isUploaded = false;
      asset.size = 0;
    }
  }
  return store;
}

/** Any URL but one on a host under `.invalid`, which RFC 2606 reserves never to resolve. */
function isFetchableByDefault(url: string): boolean {
  try {
    return !/(^|\.)invalid$/i.test(new URL(url).hostname);
  } catch {
    return false;
  }
}

/** Starts the emulator on 127.0.0.1 and resolves once it listens. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const store = await loadStore(options.statePath);
  if (options.seed) store.seed(options.seed);
  const limiter = new RateLimiter(options.rateLimit);
  const faults = new FaultInjector(options.faults);
  const requests: RecordedRequest[] = [];
  const stats: SandboxStats = {
    rateLimited: 0,
    faults: { serverErrors: 0, droppedBefore: 0, droppedAfter: 0 },
  };
  const log =
    options.quiet === false || (options.quiet === undefined && options.log) ? options.log : undefined;
  const context: ApiContext = {
    store,
    origin: "",
    liveUpdateAlsoStaged: options.liveUpdateAlsoStaged ?? false,
    detailIndex: options.detailIndex ?? false,
    isFetchable: options.isFetchable ?? isFetchableByDefault,
    sitePublishIntervalMs: options.sitePublishIntervalMs ?? 60_000,
    clock: options.clock ?? Date.now,
  };

  let writeChain: Promise<void> = Promise.resolve();
  /** Queues a write of the whole state (plus one asset's bytes); writes never overlap or reorder. */
  function persist(assetId?: string): Promise<void> {
    const statePath = options.statePath;
    if (!statePath) return Promise.resolve();
    const run = writeChain.then(async () => {
      const bytes = assetId === undefined ? undefined : store.files.get(assetId);
      if (assetId !== undefined && bytes) await writeAtomically(join(filesDirOf(statePath), assetId), bytes);
      await writeAtomically(statePath, `${JSON.stringify(store.toJSON(), null, 1)}\n`);
    });
    writeChain = run.catch(() => undefined);
    return run;
  }

  function send(
    response: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    const text = body === undefined ? "" : JSON.stringify(body);
    response.writeHead(status, { ...headers, ...(body === undefined ? {} : { "Content-Type": JSON_TYPE }) });
    response.end(text);
  }

  async function handleApi(
    request: IncomingMessage,
    response: ServerResponse,
    record: RecordedRequest,
    url: URL,
    raw: Buffer,
  ): Promise<void> {
    const method = request.method ?? "GET";
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      record.status = status;
      send(response, status, body, headers);
    };
    const token = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? "")?.[1];
    if (!token || (options.tokens && !options.tokens.includes(token))) {
      answer(
        401,
        { code: "not_authorized", message: "Request not authorized", externalReference: null, details: [] },
        limiter.idleHeaders(),
      );
      return;
    }
    const rate = limiter.take(token, context.clock());
    if (!rate.isAllowed) {
      stats.rateLimited += 1;
      answer(
        429,
        { message: "Too Many Requests", code: "too_many_requests", externalReference: null, details: [] },
        rate.headers,
      );
      return;
    }
    if (record.body === MALFORMED) {
      record.body = raw.toString("utf8");
      answer(400, badRequest().toBody(), rate.headers);
      return;
    }
    const plan = faults.plan(method);
    if (plan.latencyMs > 0) await sleep(plan.latencyMs);
    if (plan.kind === "serverError") {
      stats.faults.serverErrors += 1;
      answer(
        plan.serverStatus,
        {
          code: "internal_error",
          message: "An Internal Error occurred",
          externalReference: null,
          details: [],
        },
        rate.headers,
      );
      return;
    }
    if (plan.kind === "dropBefore") {
      stats.faults.droppedBefore += 1;
      request.socket.destroy();
      return;
    }
    const segments = url.pathname.slice("/v2/".length).split("/").filter(Boolean).map(decodeURIComponent);
    const apiRequest: ApiRequest = { method, segments, query: url.searchParams, body: record.body };
    let result: ApiResponse;
    try {
      result = route(apiRequest) ?? { status: 404, body: notFound("route").toBody() };
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      result = {
        status: error.status,
        body: error.toBody({ withIndex: context.detailIndex }),
        headers: error.headers,
      };
    }
    if (result.isChange) await persist();
    if (plan.kind === "dropAfter") {
      stats.faults.droppedAfter += 1;
      request.socket.destroy();
      return;
    }
    answer(result.status, result.body, { ...rate.headers, ...result.headers });
  }

  function route(request: ApiRequest): ApiResponse | undefined {
    const [root, id, sub] = request.segments;
    if (root === "collections" && id !== undefined && sub === "items") {
      return handleItems(context, request, id, request.segments.slice(3));
    }
    return handleAssets(context, request) ?? handleSchema(context, request);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const raw = await readBody(request);
    const url = new URL(request.url ?? "/", context.origin);
    const method = request.method ?? "GET";
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: undefined,
      status: 0,
      at: Date.now(),
    };
    requests.push(record);
    try {
      if (url.pathname === "/v2" || url.pathname.startsWith("/v2/")) {
        record.body = parseJson(raw);
        await handleApi(request, response, record, url, raw);
      } else if (method === "POST" && /^\/upload\/[^/]+$/.test(url.pathname)) {
        const assetId = decodeURIComponent(url.pathname.slice("/upload/".length));
        const result = handleUpload(context, assetId, request.headers["content-type"], raw);
        record.body = result.summary;
        if (result.isChange) await persist(assetId);
        record.status = result.status;
        response.writeHead(result.status, result.body ? { "Content-Type": result.contentType } : {});
        response.end(result.body);
      } else if ((method === "GET" || method === "HEAD") && url.pathname.startsWith("/files/")) {
        const [siteId = "", fileSegment = ""] = url.pathname
          .slice("/files/".length)
          .split("/")
          .map(decodeURIComponent);
        const file = findHostedFile(context, siteId, fileSegment);
        record.status = file ? 200 : 404;
        if (file) {
          response.writeHead(200, {
            "Content-Type": file.contentType,
            "Content-Length": String(file.data.length),
          });
          response.end(method === "HEAD" ? undefined : file.data);
        } else {
          response.writeHead(404, { "Content-Type": "application/xml" });
          response.end(
            '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>',
          );
        }
      } else {
        record.status = 404;
        send(response, 404, notFound("route").toBody());
      }
    } catch (error) {
      // A bug in the emulator: answer like Webflow's 500 and say what broke.
      log?.(`sandbox error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      record.status = 500;
      if (!response.headersSent) {
        send(response, 500, {
          code: "internal_error",
          message: "An Internal Error occurred",
          externalReference: null,
          details: [],
        });
      }
    }
    log?.(`${method} ${url.pathname}${url.search} → ${record.status === 0 ? "dropped" : record.status}`);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      log?.(`sandbox error: ${String(error)}`);
      response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  context.origin = `http://127.0.0.1:${port}`;
  await persist();

  function variantsOf(collectionId: string, cmsLocaleId: string | undefined, isLive: boolean): SandboxItem[] {
    const collection = store.collections.get(collectionId);
    if (!collection) throw new Error(`The sandbox has no collection ${collectionId}.`);
    const locale = cmsLocaleId ?? store.primaryLocaleOf(collection);
    const out: SandboxItem[] = [];
    for (const item of store.itemsOf(collectionId).values()) {
      const variant = item.variants.get(locale);
      if (!variant || (isLive && !variant.live)) continue;
      out.push(isLive ? liveItem(item.id, variant) : stagedItem(item.id, variant));
    }
    return out;
  }

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await writeChain;
    })();
    return closing;
  };

  return {
    baseUrl: `${context.origin}/v2`,
    port,
    requests,
    stats,
    setRateLimit: (rateLimit) => limiter.configure(rateLimit),
    setFaults: (faultOptions) => faults.configure(faultOptions),
    items: (collectionId, itemOptions) => variantsOf(collectionId, itemOptions?.cmsLocaleId, false),
    liveItems: (collectionId, itemOptions) => variantsOf(collectionId, itemOptions?.cmsLocaleId, true),
    assets: (siteId) =>
      [...store.assets.values()]
        .filter((asset) => siteId === undefined || asset.siteId === siteId)
        .map((asset) => assetView(asset, context.origin)),
    seed: (seed) => {
      store.seed(seed);
      persist().catch((error: unknown) => log?.(`sandbox: could not write state: ${String(error)}`));
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** Marks a body that is not JSON; the request is answered 400 after auth and rate limiting. */
const MALFORMED = Symbol("malformed");

function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString("utf8")) as unknown;
  } catch {
    return MALFORMED;
  }
}
