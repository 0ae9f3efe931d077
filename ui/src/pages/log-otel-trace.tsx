import { createResource, Show } from "solid-js";
import { CopyButton } from "../components/copy-button.tsx";
import { api } from "../lib/api.ts";
import { t } from "../lib/i18n/index.ts";
import { traceLink } from "../lib/tracing-link.ts";

/**
 * The request's OpenTelemetry trace id, copyable, and a link to it in the operator's tracing UI
 * when Settings has a link template. Three cells of the log detail's id grid.
 */
export function OtelTraceCells(props: { traceId: string }) {
  // Read when the row is opened, so a template just saved in Settings applies.
  const [template] = createResource(() => api.settings().then((settings) => settings.tracingLinkTemplate).catch(() => null));
  const link = () => traceLink(template(), props.traceId);
  return (
    <>
      <span class="text-xs muted">{t("logs.otelTrace")}</span>
      <code class="min-w-0 truncate font-mono text-xs" data-testid="detail-otel-trace">
        {props.traceId}
      </code>
      <span class="flex items-center justify-end gap-1">
        <Show when={link()}>
          {(href) => (
            <a class="btn-ghost btn-sm" href={href()} target="_blank" rel="noopener noreferrer" data-testid="detail-otel-link">
              <span class="i-lucide-external-link" />
              {t("logs.openTrace")}
            </a>
          )}
        </Show>
        <CopyButton text={props.traceId} />
      </span>
    </>
  );
}
