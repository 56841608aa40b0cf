/**
 * The HTTP side of the sandbox: auth, rate limit, faults, routing, recording and persistence
 * around the plain handlers in items-api/schema-api/assets-api.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { basename, dirname, extname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { ApiError, badRequest, notFound } from "./api-error.ts";
import { findHostedFile, handleAssets, handleUpload } from "./assets-api.ts";
import type { ApiContext, ApiRequest, ApiResponse } from "./context.ts";
import { handleItems } from "./items-api.ts";
import { FaultInjector, type FaultPlan, RateLimiter } from "./limits.ts";
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

/** What one running sandbox shares between its request handlers and the handle it returns. */
interface SandboxState {
  options: SandboxOptions;
  store: SandboxStore;
  limiter: RateLimiter;
  faults: FaultInjector;
  requests: RecordedRequest[];
  stats: SandboxStats;
  log: ((line: string) => void) | undefined;
  context: ApiContext;
  /** The last queued state write; {@link persist} chains onto it, closing waits for it. */
  writeChain: Promise<void>;
}

/** Writes an answer, with a JSON body when there is one. */
type Answer = (status: number, body: unknown, headers?: Record<string, string>) => void;

/** Starts the emulator on 127.0.0.1 and resolves once it listens. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const state = await createState(options);
  const server = createServer((request, response) => {
    handle(state, request, response).catch((error: unknown) => {
      state.log?.(`sandbox error: ${String(error)}`);
      response.destroy();
    });
  });
  const port = await listen(server, options.port ?? 0);
  state.context.origin = `http://127.0.0.1:${port}`;
  await persist(state);
  return createHandle(state, server, port);
}

async function createState(options: SandboxOptions): Promise<SandboxState> {
  const store = await loadStore(options.statePath);
  if (options.seed) store.seed(options.seed);
  return {
    options,
    store,
    limiter: new RateLimiter(options.rateLimit),
    faults: new FaultInjector(options.faults),
    requests: [],
    stats: {
      rateLimited: 0,
      faults: { serverErrors: 0, droppedBefore: 0, droppedAfter: 0 },
    },
    log: options.quiet === false || (options.quiet === undefined && options.log) ? options.log : undefined,
    context: {
      store,
      origin: "",
      liveUpdateAlsoStaged: options.liveUpdateAlsoStaged ?? false,
      detailIndex: options.detailIndex ?? false,
      isFetchable: options.isFetchable ?? isFetchableByDefault,
      sitePublishIntervalMs: options.sitePublishIntervalMs ?? 60_000,
      clock: options.clock ?? Date.now,
    },
    writeChain: Promise.resolve(),
  };
}

/** Listens on 127.0.0.1 and resolves with the port. */
async function listen(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** Queues a write of the whole state (plus one asset's bytes); writes never overlap or reorder. */
function persist(state: SandboxState, assetId?: string): Promise<void> {
  const statePath = state.options.statePath;
  if (!statePath) return Promise.resolve();
  const { store } = state;
  const run = state.writeChain.then(async () => {
    const bytes = assetId === undefined ? undefined : store.files.get(assetId);
    if (assetId !== undefined && bytes) await writeAtomically(join(filesDirOf(statePath), assetId), bytes);
    await writeAtomically(statePath, `${JSON.stringify(store.toJSON(), null, 1)}\n`);
  });
  state.writeChain = run.catch(() => undefined);
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

/** Records one request, sends it to the API, an upload, a hosted file or a 404, and logs the outcome. */
async function handle(
  state: SandboxState,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const raw = await readBody(request);
  const url = new URL(request.url ?? "/", state.context.origin);
  const method = request.method ?? "GET";
  const record: RecordedRequest = {
    method,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    body: undefined,
    status: 0,
    at: Date.now(),
  };
  state.requests.push(record);
  try {
    if (url.pathname === "/v2" || url.pathname.startsWith("/v2/")) {
      record.body = parseJson(raw);
      await handleApi(state, request, response, record, url, raw);
    } else if (method === "POST" && /^\/upload\/[^/]+$/.test(url.pathname)) {
      await serveUpload(state, request, response, record, url.pathname, raw);
    } else if ((method === "GET" || method === "HEAD") && url.pathname.startsWith("/files/")) {
      serveHostedFile(state.context, method, response, record, url.pathname);
    } else {
      record.status = 404;
      send(response, 404, notFound("route").toBody());
    }
  } catch (error) {
    // A bug in the emulator: answer like Webflow's 500 and say what broke.
    state.log?.(`sandbox error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
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
  state.log?.(`${method} ${url.pathname}${url.search} → ${record.status === 0 ? "dropped" : record.status}`);
}

/** `POST /upload/:assetId`: the bytes of an asset, as the storage host behind Webflow takes them. */
async function serveUpload(
  state: SandboxState,
  request: IncomingMessage,
  response: ServerResponse,
  record: RecordedRequest,
  pathname: string,
  raw: Buffer,
): Promise<void> {
  const assetId = decodeURIComponent(pathname.slice("/upload/".length));
  const result = handleUpload(state.context, assetId, request.headers["content-type"], raw);
  record.body = result.summary;
  if (result.isChange) await persist(state, assetId);
  record.status = result.status;
  response.writeHead(result.status, result.body ? { "Content-Type": result.contentType } : {});
  response.end(result.body);
}

/** `GET|HEAD /files/:siteId/:file`: an uploaded asset, or the storage host's XML 404. */
function serveHostedFile(
  context: ApiContext,
  method: string,
  response: ServerResponse,
  record: RecordedRequest,
  pathname: string,
): void {
  const [siteId = "", fileSegment = ""] = pathname.slice("/files/".length).split("/").map(decodeURIComponent);
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
}

/** `/v2/…`: auth, rate limit, body check, faults, then the handlers; persists a change before replying. */
async function handleApi(
  state: SandboxState,
  request: IncomingMessage,
  response: ServerResponse,
  record: RecordedRequest,
  url: URL,
  raw: Buffer,
): Promise<void> {
  const method = request.method ?? "GET";
  const answer: Answer = (status, body, headers = {}) => {
    record.status = status;
    send(response, status, body, headers);
  };
  const rateHeaders = admit(state, request, record, raw, answer);
  if (!rateHeaders) return;
  const plan = state.faults.plan(method);
  if (await injectFaultBefore(state, plan, request, rateHeaders, answer)) return;
  const result = routeApi(state.context, method, url, record.body);
  if (result.isChange) await persist(state);
  if (plan.kind === "dropAfter") {
    state.stats.faults.droppedAfter += 1;
    request.socket.destroy();
    return;
  }
  answer(result.status, result.body, { ...rateHeaders, ...result.headers });
}

/**
 * Auth, rate limit and a JSON body, in Webflow's order. Answers a refused request and returns
 * undefined; otherwise returns the rate-limit headers for the answer.
 */
function admit(
  state: SandboxState,
  request: IncomingMessage,
  record: RecordedRequest,
  raw: Buffer,
  answer: Answer,
): Record<string, string> | undefined {
  const { options, limiter } = state;
  const token = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? "")?.[1];
  if (!token || (options.tokens && !options.tokens.includes(token))) {
    answer(
      401,
      { code: "not_authorized", message: "Request not authorized", externalReference: null, details: [] },
      limiter.idleHeaders(),
    );
    return undefined;
  }
  const rate = limiter.take(token, state.context.clock());
  if (!rate.isAllowed) {
    state.stats.rateLimited += 1;
    answer(
      429,
      { message: "Too Many Requests", code: "too_many_requests", externalReference: null, details: [] },
      rate.headers,
    );
    return undefined;
  }
  if (record.body === MALFORMED) {
    record.body = raw.toString("utf8");
    answer(400, badRequest().toBody(), rate.headers);
    return undefined;
  }
  return rate.headers;
}

/** Waits the planned latency, then answers a planned 5xx or drops the connection; true when it did either. */
async function injectFaultBefore(
  state: SandboxState,
  plan: FaultPlan,
  request: IncomingMessage,
  rateHeaders: Record<string, string>,
  answer: Answer,
): Promise<boolean> {
  if (plan.latencyMs > 0) await sleep(plan.latencyMs);
  if (plan.kind === "serverError") {
    state.stats.faults.serverErrors += 1;
    answer(
      plan.serverStatus,
      {
        code: "internal_error",
        message: "An Internal Error occurred",
        externalReference: null,
        details: [],
      },
      rateHeaders,
    );
    return true;
  }
  if (plan.kind === "dropBefore") {
    state.stats.faults.droppedBefore += 1;
    request.socket.destroy();
    return true;
  }
  return false;
}

/** Runs the handler for a `/v2/…` path; an ApiError becomes its answer, an unknown route a 404. */
function routeApi(context: ApiContext, method: string, url: URL, body: unknown): ApiResponse {
  const segments = url.pathname.slice("/v2/".length).split("/").filter(Boolean).map(decodeURIComponent);
  const apiRequest: ApiRequest = { method, segments, query: url.searchParams, body };
  try {
    return route(context, apiRequest) ?? { status: 404, body: notFound("route").toBody() };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return {
      status: error.status,
      body: error.toBody({ withIndex: context.detailIndex }),
      headers: error.headers,
    };
  }
}

function route(context: ApiContext, request: ApiRequest): ApiResponse | undefined {
  const [root, id, sub] = request.segments;
  if (root === "collections" && id !== undefined && sub === "items") {
    return handleItems(context, request, id, request.segments.slice(3));
  }
  return handleAssets(context, request) ?? handleSchema(context, request);
}

/** The {@link Sandbox} a caller holds: views of the state, live settings, and close. */
function createHandle(state: SandboxState, server: Server, port: number): Sandbox {
  const { store, context, limiter, faults } = state;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await state.writeChain;
    })();
    return closing;
  };

  return {
    baseUrl: `${context.origin}/v2`,
    port,
    requests: state.requests,
    stats: state.stats,
    setRateLimit: (rateLimit) => limiter.configure(rateLimit),
    setFaults: (faultOptions) => faults.configure(faultOptions),
    items: (collectionId, itemOptions) => variantsOf(store, collectionId, itemOptions?.cmsLocaleId, false),
    liveItems: (collectionId, itemOptions) => variantsOf(store, collectionId, itemOptions?.cmsLocaleId, true),
    assets: (siteId) =>
      [...store.assets.values()]
        .filter((asset) => siteId === undefined || asset.siteId === siteId)
        .map((asset) => assetView(asset, context.origin)),
    seed: (seed) => {
      store.seed(seed);
      persist(state).catch((error: unknown) =>
        state.log?.(`sandbox: could not write state: ${String(error)}`),
      );
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

function variantsOf(
  store: SandboxStore,
  collectionId: string,
  cmsLocaleId: string | undefined,
  isLive: boolean,
): SandboxItem[] {
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
