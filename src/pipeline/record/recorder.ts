/**
 * The record stage's hold on the manifest during a run: one writer, saves after every write
 * (atomic), and a last save only when something changed that no save has covered. A dry run
 * changes the manifest in memory, exactly as the real run would, and never saves it.
 */
import type { CollectionRun } from "../discover/discover.ts";
import { createManifestWriter, type Manifest, type ManifestCollection } from "./manifest-store.ts";

export interface Recorder {
  save: () => Promise<void>;
  /** Something changed outside the saves of the writes (the digest cache, a later pass). */
  markUnsaved(): void;
  saveIfUnsaved(): Promise<void>;
}

export function createRecorder(options: {
  path: string;
  manifest: Manifest;
  writtenText: string | undefined;
  isDryRun: boolean;
}): Recorder {
  if (options.isDryRun) return { save: async () => {}, markUnsaved() {}, async saveIfUnsaved() {} };
  const writer = createManifestWriter(options.path, options.manifest, { writtenText: options.writtenText });
  let hasUnsaved = false;
  const save = () => {
    hasUnsaved = false;
    return writer.save();
  };
  return {
    save,
    markUnsaved() {
      hasUnsaved = true;
    },
    async saveIfUnsaved() {
      if (hasUnsaved) await save();
    },
  };
}

/**
 * A collection's state in the manifest, created when missing (a cold manifest). New settings
 * re-render every item once: records made under the old ones must not skip anything.
 */
export function openCollectionState(
  manifest: Manifest,
  run: CollectionRun,
): { state: ManifestCollection; isCold: boolean; hasNewSettings: boolean } {
  const stored = manifest.collections[run.config.collectionId];
  const state: ManifestCollection = stored ?? { settingsDigest: "", items: {} };
  manifest.collections[run.config.collectionId] = state;
  const hasNewSettings = state.settingsDigest !== run.settingsDigest;
  if (hasNewSettings) state.sources = {};
  state.settingsDigest = run.settingsDigest;
  return { state, isCold: !stored, hasNewSettings };
}
