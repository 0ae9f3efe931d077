import { createSignal, Show } from "solid-js";
import { t } from "../lib/i18n/index.ts";
import { Modal } from "./modal.tsx";

interface ConfirmRequest {
  title: string;
  message: string;
  confirmLabel?: string;
  danger?: boolean;
  resolve: (confirmed: boolean) => void;
}

const [request, setRequest] = createSignal<ConfirmRequest | undefined>();

/** Asks before a destructive action; resolves true when confirmed. */
export function confirmAction(options: Omit<ConfirmRequest, "resolve">): Promise<boolean> {
  return new Promise((resolve) => setRequest({ ...options, resolve }));
}

export function ConfirmHost() {
  const close = (confirmed: boolean) => {
    request()?.resolve(confirmed);
    setRequest(undefined);
  };
  return (
    <Show when={request()} keyed>
      {(current) => (
        <Modal
          size="sm"
          title={current.title}
          onClose={() => close(false)}
          footer={
            <>
              <button type="button" class="btn-secondary" onClick={() => close(false)}>
                {t("common.cancel")}
              </button>
              <button type="button" class={current.danger ? "btn-danger" : "btn-primary"} onClick={() => close(true)} autofocus>
                {current.confirmLabel ?? t("common.confirm")}
              </button>
            </>
          }
        >
          <p class="text-sm text-zinc-600 dark:text-zinc-300">{current.message}</p>
        </Modal>
      )}
    </Show>
  );
}
