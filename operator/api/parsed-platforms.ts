import { parseImagePlatform, type ImagePlatform } from './imageplatform.js';

type Stored = Parameters<typeof parseImagePlatform>[0];

/**
 * Typed platforms for a loop that runs every second over the whole cache (the
 * autoscaler's tick). A schema parse per platform per second adds up at a
 * hundred platforms, and a stored object only changes with its
 * resourceVersion, so each is parsed once per version. Objects that fail the
 * schema are left out: the reconciler reports them in their status.
 */
export class ParsedPlatforms {
  private readonly byUid = new Map<string, { version: string; platform: ImagePlatform | undefined }>();

  /** The valid platforms among `objects`; forgets any uid not among them. */
  of(objects: readonly Stored[]): ImagePlatform[] {
    const seen = new Set<string>();
    const out: ImagePlatform[] = [];
    for (const obj of objects) {
      const uid = obj.metadata?.uid;
      const version = obj.metadata?.resourceVersion;
      if (!uid || !version) continue;
      seen.add(uid);
      let entry = this.byUid.get(uid);
      if (entry?.version !== version) {
        entry = { version, platform: parseOrUndefined(obj) };
        this.byUid.set(uid, entry);
      }
      if (entry.platform) out.push(entry.platform);
    }
    for (const uid of this.byUid.keys()) if (!seen.has(uid)) this.byUid.delete(uid);
    return out;
  }

  /** How many versions are held: for tests. */
  get size(): number {
    return this.byUid.size;
  }
}

function parseOrUndefined(obj: Stored): ImagePlatform | undefined {
  try {
    return parseImagePlatform(obj);
  } catch {
    return undefined;
  }
}
