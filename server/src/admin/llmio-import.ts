import { CliError } from "../lib/cli-error.ts";
import type { AppDatabase } from "../db/client.ts";
import { importChanged, importLlmio } from "./llmio-import/import-llmio.ts";
import type { ImportOptions, ImportReport } from "./llmio-import/import-report.ts";
import { UploadStore, UploadTooLarge } from "./llmio-import/upload-store.ts";
import type { SettingsStore } from "../routing/settings.ts";
import { withOwnConnection } from "./config-transfer.ts";
import { AdminError } from "../lib/admin-error.ts";

export interface LlmioImportRequest extends Omit<ImportOptions, "adminToken"> {
  /** An uploaded SQLite file (see `upload`)… */
  upload?: string;
  /** …or the fork's postgres:// / mysql:// URL. */
  dsn?: string;
}

/**
 * Settings → Import from LLMIO: the CLI's importer over an uploaded LLMIO database or a DSN. The
 * admin token is left alone here (the CLI's `--token` sets it): the signed-in session keeps its own.
 */
export class LlmioImportService {
  private readonly uploads: UploadStore;

  constructor(
    private readonly db: AppDatabase,
    private readonly settings: SettingsStore,
    /** Reloads the routing catalog and the client keys (here and on other instances). */
    private readonly changed: () => void,
    maxUploadBytes: number,
  ) {
    this.uploads = new UploadStore(maxUploadBytes);
  }

  async upload(body: ReadableStream<Uint8Array> | null, name?: string): Promise<{ upload: string; bytes: number }> {
    try {
      const saved = await this.uploads.save(body, name);
      if (saved.bytes === 0) {
        this.uploads.remove(saved.upload);
        throw new AdminError(400, "Invalid body: send LLMIO's llmio.db file as the request body");
      }
      return saved;
    } catch (error) {
      if (error instanceof UploadTooLarge) throw new AdminError(413, error.message);
      throw error;
    }
  }

  async run(request: LlmioImportRequest): Promise<ImportReport> {
    if ((request.upload === undefined) === (request.dsn === undefined)) throw new AdminError(400, "Invalid body: give either upload or dsn");
    const location = request.upload === undefined ? request.dsn!.trim() : this.uploads.path(request.upload);
    if (!location) throw new AdminError(404, "That upload is gone (uploads are kept for an hour): upload the file again");
    if (request.dsn !== undefined && !/^(postgres(ql)?|mysql):\/\//i.test(location)) {
      throw new AdminError(400, "Invalid body: /dsn must be a postgres:// or mysql:// URL (upload LLMIO's SQLite file instead)");
    }
    const options: ImportOptions = { dryRun: request.dryRun, replace: request.replace, withLogs: request.withLogs, sinceDays: request.sinceDays };
    let report: ImportReport;
    try {
      const fileName = request.upload === undefined ? undefined : `uploaded file ${await this.uploads.name(request.upload)}`;
      report = await withOwnConnection(this.db, (db) => importLlmio(location, { db, settings: this.settings }, options, fileName));
    } catch (error) {
      // A file that is no LLMIO database, a server that does not answer: the caller's to fix.
      if (error instanceof CliError) throw new AdminError(400, error.hint ? `${error.message} (${error.hint})` : error.message);
      throw error;
    }
    if (importChanged(report)) this.changed();
    if (!report.dryRun && request.upload !== undefined) this.uploads.remove(request.upload);
    return report;
  }
}
