/**
 * A loopback HTTP server in front of the sandbox that plays a hostile or broken API host: for
 * each request a rule may answer itself (an echoed Authorization header, a redirect, a 429
 * with a long Retry-After); every other request is forwarded to the sandbox unchanged.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface ProxyRequest {
  method: string;
  /** Path with query, as the client sent it (`/v2/collections/…`). */
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface ProxyAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface HostileProxy extends AsyncDisposable {
  /** Base URL to give the CLI: `http://127.0.0.1:PORT/v2`. */
  baseUrl: string;
  /** Every request that reached the proxy, answered or forwarded. */
  requests: ProxyRequest[];
  /** Requests the rule answered itself. */
  answered: ProxyRequest[];
  close(): Promise<void>;
}

/** Starts the proxy; `rule` returns an answer to send, or undefined to forward to `targetBaseUrl`. */
export async function startHostileProxy(
  targetBaseUrl: string,
  rule: (request: ProxyRequest) => ProxyAnswer | undefined,
): Promise<HostileProxy> {
  const target = new URL(targetBaseUrl);
  const requests: ProxyRequest[] = [];
  const answered: ProxyRequest[] = [];
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      const request: ProxyRequest = {
        method: incoming.method ?? "GET",
        path: incoming.url ?? "/",
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(request);
      const answer = rule(request);
      if (answer) {
        answered.push(request);
        outgoing.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
        outgoing.end(answer.body ?? "");
        return;
      }
      void forward(target, request).then(
        (response) => {
          outgoing.writeHead(response.status, response.headers);
          outgoing.end(response.body);
        },
        () => outgoing.destroy(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return {
    baseUrl: `http://127.0.0.1:${port}${target.pathname.replace(/\/+$/, "")}`,
    requests,
    answered,
    close,
    [Symbol.asyncDispose]: close,
  };
}

async function forward(
  target: URL,
  request: ProxyRequest,
): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(request.headers))
    if (typeof value === "string" && !["host", "connection", "content-length"].includes(key))
      headers[key] = value;
  const response = await fetch(`${target.origin}${request.path}`, {
    method: request.method,
    headers,
    body: request.method === "GET" || request.method === "HEAD" ? undefined : request.body,
  });
  const answerHeaders: Record<string, string> = {};
  response.headers.forEach((value, key) => {
    if (!["content-length", "content-encoding", "transfer-encoding", "connection"].includes(key))
      answerHeaders[key] = value;
  });
  return { status: response.status, headers: answerHeaders, body: Buffer.from(await response.arrayBuffer()) };
}
