export * from "./errors.ts";
export type * from "./core/types.ts";
