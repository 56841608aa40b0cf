/** One entry of an error body's `details`. */
export interface ErrorDetail {
  param: string;
  description: string;
  /**
   * Position of the offending element in a list body. This is our emulator's addition, sent
   * only with the `detailIndex` option: Webflow's real details carry only `param` and `description`.
   */
  index?: number;
}

/** An error answered with Webflow's error body `{code, message, externalReference, details}`. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: readonly unknown[];
  readonly headers: Record<string, string>;
  constructor(options: {
    status: number;
    code: string;
    message: string;
    details?: readonly unknown[];
    headers?: Record<string, string>;
  }) {
    super(options.message);
    this.status = options.status;
    this.code = options.code;
    this.details = options.details ?? [];
    this.headers = options.headers ?? {};
  }

  /** The JSON body Webflow sends for this error; `index` stays in details only `withIndex`. */
  toBody(options: { withIndex?: boolean } = {}): Record<string, unknown> {
    const details = options.withIndex
      ? [...this.details]
      : this.details.map((detail) => {
          if (!detail || typeof detail !== "object" || !("index" in detail)) return detail;
          const { index: _index, ...rest } = detail as Record<string, unknown>;
          return rest;
        });
    return { code: this.code, message: this.message, externalReference: null, details };
  }
}

/** 404 with Webflow's generic text (API-NOTES §1.5 shows it even for items). */
export function notFound(what: "site" | "collection" | "item" | "asset" | "route" | "field"): ApiError {
  return new ApiError({
    status: 404,
    code: "resource_not_found",
    message: `Requested resource not found: The ${what} cannot be found`,
  });
}

/** 400 `bad_request`; the default text is the spec's example. */
export function badRequest(message = "Bad Request: Request is malformed"): ApiError {
  return new ApiError({ status: 400, code: "bad_request", message });
}

/** 400 `validation_error` with `{param, description}` details (API-NOTES §1.7). */
export function validationError(details: readonly ErrorDetail[]): ApiError {
  return new ApiError({ status: 400, code: "validation_error", message: "Validation Error", details });
}
