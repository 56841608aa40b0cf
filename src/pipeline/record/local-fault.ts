/**
 * Local file-system faults (issue 14): a read-only or full disk, a folder where the manifest
 * belongs, a file where a folder belongs. They are the machine's state, not bugs: each becomes
 * a LocalFileError that names the path and says what to do.
 */
import { LocalFileError } from "../../errors.ts";

const EXPLANATIONS: Record<string, { what: string; hint: string }> = {
  ENOSPC: { what: "the disk is full", hint: "Free some space, then run again." },
  EDQUOT: { what: "the disk quota is used up", hint: "Free some space, then run again." },
  EROFS: {
    what: "the file system is read-only",
    hint: "Run where the project can be written, or point `manifest` in wf-sync.config.ts at a writable place.",
  },
  EACCES: {
    what: "permission denied",
    hint: "Give the user running wf-sync write access to that path, or point `manifest` elsewhere.",
  },
  EPERM: {
    what: "the operation is not permitted",
    hint: "Check the path's permissions and attributes (for example an immutable flag).",
  },
  EISDIR: {
    what: "it is a folder, where a file belongs",
    hint: "Move the folder away (the manifest is a cache; wf-sync rebuilds it from the site).",
  },
  ENOTDIR: {
    what: "a part of the path is a file, where a folder belongs",
    hint: "Move that file away, or point `manifest` in wf-sync.config.ts elsewhere.",
  },
  EEXIST: {
    what: "a file is in the way where a folder belongs",
    hint: "Move that file away, or point `manifest` in wf-sync.config.ts elsewhere.",
  },
  EFBIG: { what: "the file is too large for this file system", hint: "Free space or raise the limit." },
  EIO: { what: "an input/output error", hint: "Check the disk." },
  ENAMETOOLONG: { what: "the path is too long", hint: "Use a shorter path." },
  EMFILE: { what: "too many files are open", hint: "Raise the open-file limit (ulimit -n)." },
};

/** True for an error of the operating system that LocalFileError explains. */
export function isLocalFault(error: unknown): error is NodeJS.ErrnoException & { code: string } {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === "string" && code in EXPLANATIONS;
}

/**
 * The LocalFileError for a file-system error met while doing `action` on `path`, or the error
 * itself when it is not one the machine's state explains (that stays a bug).
 */
export function asLocalFileError(error: unknown, options: { path: string; action: string }): unknown {
  if (error instanceof LocalFileError || !isLocalFault(error)) return error;
  const { what, hint } = EXPLANATIONS[error.code] as { what: string; hint: string };
  return new LocalFileError(`${options.path}: cannot ${options.action}: ${what} (${error.code}).`, {
    cause: error,
    hint,
    osCode: error.code,
  });
}
