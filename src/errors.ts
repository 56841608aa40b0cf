/** Exit codes of the CLI; SPEC.md §4 is the contract for them. */
export const ExitCode = { Ok: 0, ItemsFailed: 1, CannotRun: 2, Internal: 70 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Where in a source file a problem sits. Lines and columns are 1-based. */
export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
}

export interface WfSyncErrorOptions extends ErrorOptions {
  hint?: string;
  location?: SourceLocation;
}

/** Base for every error a user should see. Anything else reaching the CLI is a bug. */
export abstract class WfSyncError extends Error {
  /** Stable, greppable code such as `WF_FRONTMATTER`; listed in docs/errors.md. */
  abstract readonly code: string;
  abstract readonly exitCode: ExitCode;
  readonly hint: string | undefined;
  readonly location: SourceLocation | undefined;
  constructor(message: string, options: WfSyncErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
    this.location = options.location;
  }
}

/** The frontmatter of a file cannot be parsed. */
export class FrontmatterError extends WfSyncError {
  readonly code = "WF_FRONTMATTER";
  readonly exitCode = ExitCode.ItemsFailed;
}

/** A frontmatter value does not fit the collection's field (type, validations, unknown key under --strict). */
export class FieldValueError extends WfSyncError {
  readonly code = "WF_FIELD_VALUE";
  readonly exitCode = ExitCode.ItemsFailed;
}

/**
 * A file is over one of the bounds that keep every file's parse and render short and linear
 * (body size, nesting depth, frontmatter size, keys or aliases). `limit` names the bound.
 */
export class LimitError extends WfSyncError {
  readonly code = "WF_LIMIT";
  readonly exitCode = ExitCode.ItemsFailed;
  /** The bound's name, as in `limits` of the config (e.g. `maxNestingDepth`). */
  readonly limit: string;
  constructor(message: string, options: WfSyncErrorOptions & { limit: string }) {
    super(message, options);
    this.limit = options.limit;
  }
}

/**
 * Text that cannot be sent faithfully: invalid UTF-8 (U+FFFD) or control characters, in a
 * frontmatter value or the body.
 */
export class TextEncodingError extends WfSyncError {
  readonly code = "WF_TEXT_ENCODING";
  readonly exitCode = ExitCode.ItemsFailed;
}

/**
 * An unexpected exception while parsing, rendering or mapping one file: most likely a bug (in
 * wf-sync or a plugin), but it costs that file alone, never the run.
 */
export class FileProcessingError extends WfSyncError {
  readonly code = "WF_FILE_UNEXPECTED";
  readonly exitCode = ExitCode.ItemsFailed;
}

/** Two files of one collection map to the same slug. */
export class DuplicateSlugError extends WfSyncError {
  readonly code = "WF_DUPLICATE_SLUG";
  readonly exitCode = ExitCode.ItemsFailed;
}

/** Template syntax (Hugo shortcode, Liquid tag) in a body of a collection with `templates: "error"`. */
export class TemplateError extends WfSyncError {
  readonly code = "WF_TEMPLATE";
  readonly exitCode = ExitCode.ItemsFailed;
}

/** A reference (Reference/MultiReference field or a link) names an item that cannot be found. */
export class ReferenceError extends WfSyncError {
  readonly code = "WF_REFERENCE";
  readonly exitCode = ExitCode.ItemsFailed;
}

/** A local asset (image or file) is missing, too large or of a type Webflow does not take. */
export class AssetError extends WfSyncError {
  readonly code = "WF_ASSET";
  readonly exitCode = ExitCode.ItemsFailed;
}

/**
 * A path a file points at (an image, a file field value, a source found through a symlink)
 * resolves, symlinks followed, outside the project root and the config's `staticDirs`:
 * nothing is read from it.
 */
export class OutsideProjectError extends WfSyncError {
  readonly code = "WF_OUTSIDE_PROJECT";
  readonly exitCode = ExitCode.ItemsFailed;
}

/**
 * A local file-system fault (read-only or full disk, no permission, a folder where a file
 * belongs): not a bug. Exit 2 when nothing was written yet; the command turns it into exit 1
 * when some items were written before it (their manifest records are kept).
 */
export class LocalFileError extends WfSyncError {
  readonly code = "WF_LOCAL_FILE";
  readonly exitCode = ExitCode.CannotRun;
  /** The operating system's code, such as `ENOSPC`. */
  readonly osCode: string;
  constructor(message: string, options: WfSyncErrorOptions & { osCode: string }) {
    super(message, options);
    this.osCode = options.osCode;
  }
}

/** Another wf-sync run holds the project's lock (`.wf-sync/lock`). */
export class LockedError extends WfSyncError {
  readonly code = "WF_LOCKED";
  readonly exitCode = ExitCode.CannotRun;
}

/** Webflow rejected one item (a 4xx that names that item). */
export class ItemRejectedError extends WfSyncError {
  readonly code = "WF_ITEM_REJECTED";
  readonly exitCode = ExitCode.ItemsFailed;
}

/** The config file is missing, cannot be loaded or does not validate. */
export class ConfigError extends WfSyncError {
  readonly code = "WF_CONFIG";
  readonly exitCode = ExitCode.CannotRun;
}

/** Bad command-line usage, such as an unknown collection name. */
export class UsageError extends WfSyncError {
  readonly code = "WF_USAGE";
  readonly exitCode = ExitCode.CannotRun;
}

/** No token where one is needed, or Webflow refused it (401/403). */
export class AuthError extends WfSyncError {
  readonly code = "WF_AUTH";
  readonly exitCode = ExitCode.CannotRun;
}

/** The API cannot be reached, or answered in a way that stops the whole run. */
export class ApiUnavailableError extends WfSyncError {
  readonly code = "WF_API_UNAVAILABLE";
  readonly exitCode = ExitCode.CannotRun;
}

/** The item was changed in Webflow since wf-sync last wrote it; it is not overwritten without --overwrite. */
export class DriftError extends WfSyncError {
  readonly code = "WF_DRIFT";
  readonly exitCode = ExitCode.ItemsFailed;
}

/** A removal would take away more than the safety share of a collection without --yes. */
export class DeletionGuardError extends WfSyncError {
  readonly code = "WF_DELETION_GUARD";
  readonly exitCode = ExitCode.CannotRun;
}

/** The run was interrupted (SIGINT/SIGTERM) before a request was sent: that request wrote nothing. */
export class InterruptedError extends WfSyncError {
  readonly code = "WF_INTERRUPTED";
  readonly exitCode = ExitCode.ItemsFailed;
}

/** One problem Webflow named in a rejected request: the element (when the answer says which), the field, the reason. */
export interface ItemProblem {
  /** Position of the element in the request's list; undefined when the answer does not say (real answers rarely do). */
  index: number | undefined;
  /** The field concerned (`fieldData.cover`, `slug`), when named. */
  field: string | undefined;
  reason: string;
}

/**
 * What a failed Webflow request means, decided by the client (src/webflow/failure.ts) so that
 * nothing else reads status codes, `details` or Webflow's wording:
 * - `rejected`: the request was refused for its content (validation); `problems` says what,
 *   `takenSlugs` lists slugs Webflow said are taken (empty array: a slug clash it did not name);
 * - `not-found`: an item (or collection) of the request does not exist;
 * - `never-published`: a live update of an item that was never published;
 * - `rate-limited`: still refused for the rate limit after every wait;
 * - `answer-lost`: no answer, and the request may have been applied (a create: reconcile by slug);
 * - `unavailable`: Webflow could not be reached or kept failing (retries used up);
 * - `refused`: any other refusal.
 */
export type ApiFailure =
  | { kind: "rejected"; problems: readonly ItemProblem[]; takenSlugs: readonly string[] | undefined }
  | { kind: "not-found" }
  | { kind: "never-published" }
  | { kind: "rate-limited" }
  | { kind: "answer-lost" }
  | { kind: "unavailable" }
  | { kind: "refused" };

/** One Webflow API failure, with what Webflow said about it. Never carries the token. */
export class WebflowApiError extends WfSyncError {
  readonly code = "WF_API";
  readonly exitCode = ExitCode.ItemsFailed;
  readonly endpoint: string;
  readonly status: number;
  readonly apiCode: string | undefined;
  readonly details: readonly unknown[];
  /** True when the request may have been applied although no answer came (dropped connection, 5xx on a create). */
  readonly isUncertain: boolean;
  /** True when retrying later may succeed (429, 5xx, network): the item is not wrong, the call failed. */
  readonly isTransient: boolean;
  /** What the failure means for the items of the request. */
  readonly failure: ApiFailure;
  constructor(options: {
    endpoint: string;
    status: number;
    apiCode?: string;
    message: string;
    details?: readonly unknown[];
    cause?: unknown;
    isUncertain?: boolean;
    isTransient?: boolean;
    failure?: ApiFailure;
  }) {
    const suffix = options.details?.length ? ` ${JSON.stringify(options.details)}` : "";
    super(`${options.endpoint} answered ${options.status}: ${options.message}${suffix}`, {
      cause: options.cause,
    });
    this.endpoint = options.endpoint;
    this.status = options.status;
    this.apiCode = options.apiCode;
    this.details = options.details ?? [];
    this.isUncertain = options.isUncertain ?? false;
    this.isTransient = options.isTransient ?? false;
    this.failure =
      options.failure ??
      (this.isUncertain
        ? { kind: "answer-lost" }
        : this.isTransient
          ? { kind: "unavailable" }
          : { kind: "refused" });
  }
}

/** Formats an error as `file:line:column: message` plus its hint, as terminals and editors expect. */
export function formatError(error: WfSyncError): string {
  const where = error.location
    ? `${error.location.file}${error.location.line ? `:${error.location.line}` : ""}${
        error.location.line && error.location.column ? `:${error.location.column}` : ""
      }: `
    : "";
  return `${where}${error.message}${error.hint ? `\n  hint: ${error.hint}` : ""}`;
}
