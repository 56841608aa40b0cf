/**
 * Per-call state of one render: the context the pipeline passed in and the warnings
 * collected so far. Kept apart from the shared processor so one processor serves every file.
 */
import type { Position } from "unist";
import type { SyncWarning } from "../types.ts";
import type { RenderContext } from "../render-markdown.ts";

/** Stable warning kinds; the reporter groups by these, so never rename one. */
export const WarningKind = {
  Unsupported: "rich-text-unsupported",
  LocalImage: "rich-text-local-image",
  RelativeLink: "rich-text-relative-link",
  UnsafeUrl: "rich-text-unsafe-url",
  RawHtml: "rich-text-raw-html",
  Template: "rich-text-template",
} as const;
export type WarningKind = (typeof WarningKind)[keyof typeof WarningKind];

export interface RenderState {
  context: RenderContext;
  warnings: SyncWarning[];
  /** `kind|line|column|message` of warnings already given, so a construct repeated on one line warns once. */
  seen: Set<string>;
}

export function createRenderState(context: RenderContext): RenderState {
  return { context, warnings: [], seen: new Set() };
}

/** Records a warning at a body position, translated to a file line with `lineOffset`. */
export function addWarning(
  state: RenderState,
  warning: { kind: WarningKind; message: string; position?: Position | undefined },
): void {
  const start = warning.position?.start;
  const line = start ? start.line + (state.context.lineOffset ?? 0) : undefined;
  const column = start?.column;
  const key = `${warning.kind}|${line ?? ""}|${column ?? ""}|${warning.message}`;
  if (state.seen.has(key)) return;
  state.seen.add(key);
  state.warnings.push({
    kind: warning.kind,
    message: warning.message,
    location: {
      file: state.context.file,
      ...(line === undefined ? {} : { line }),
      ...(column === undefined ? {} : { column }),
    },
  });
}
