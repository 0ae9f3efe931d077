import { mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** How long an uploaded LLMIO database waits for its import. */
const KEEP_MS = 60 * 60 * 1000;

export class UploadTooLarge extends Error {}

/**
 * LLMIO databases uploaded from the admin UI, kept in a private temporary folder between the dry
 * run and the import. The body is streamed to disk (never held in memory) and cut off at `maxBytes`.
 */
export class UploadStore {
  constructor(
    readonly maxBytes: number,
    private readonly folder = join(tmpdir(), `llmio-imports-${process.pid}`),
  ) {}

  /** `name`: the file's own name, for the report (never used as a path). */
  async save(body: ReadableStream<Uint8Array> | null, name = "llmio.db"): Promise<{ upload: string; bytes: number }> {
    this.sweep();
    mkdirSync(this.folder, { recursive: true, mode: 0o700 });
    const upload = crypto.randomUUID();
    const path = join(this.folder, `${upload}.db`);
    const writer = Bun.file(path).writer();
    let bytes = 0;
    try {
      const reader = body?.getReader();
      for (let read = await reader?.read(); read && !read.done; read = await reader!.read()) {
        bytes += read.value.byteLength;
        if (bytes > this.maxBytes) {
          await reader!.cancel().catch(() => {});
          throw new UploadTooLarge(`the upload is larger than ${Math.round(this.maxBytes / 1024 / 1024)} MB; import it with the CLI (llmio import-llmio <path>)`);
        }
        writer.write(read.value);
      }
      await writer.end();
      await Bun.write(`${path}.name`, name.replace(/[\u0000-\u001f]/g, "").slice(0, 255) || "llmio.db");
    } catch (error) {
      await Promise.resolve(writer.end()).catch(() => {});
      rmSync(path, { force: true });
      throw error;
    }
    return { upload, bytes };
  }

  /** The file of an upload, or undefined when unknown or expired (ids are UUIDs: no path tricks). */
  path(upload: string): string | undefined {
    if (!/^[0-9a-f-]{36}$/.test(upload)) return undefined;
    const path = join(this.folder, `${upload}.db`);
    try {
      return Date.now() - statSync(path).mtimeMs < KEEP_MS ? path : undefined;
    } catch {
      return undefined;
    }
  }

  /** The name the file was uploaded under. */
  async name(upload: string): Promise<string> {
    const path = this.path(upload);
    return path ? (await Bun.file(`${path}.name`).text().catch(() => "")) || "llmio.db" : "llmio.db";
  }

  remove(upload: string): void {
    const path = this.path(upload);
    if (path) rmSync(path, { force: true });
    if (path) rmSync(`${path}.name`, { force: true });
  }

  /** Deletes uploads older than an hour. */
  private sweep(): void {
    let names: string[];
    try {
      names = readdirSync(this.folder);
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(this.folder, name);
      try {
        if (Date.now() - statSync(path).mtimeMs >= KEEP_MS) rmSync(path, { force: true });
      } catch {
        // Gone already.
      }
    }
  }
}
