import UnoCSS from "@unocss/vite";
import { defineConfig } from "wxt";
import { REPO_ROOT, sourcesArchiveFiles } from "./packaging/sources-archive.ts";
import { solidTemplatesWithoutInnerHtml } from "./vite/solid-templates-without-innerhtml.ts";

/**
 * Permissions, and why each is there:
 * - `storage`: settings (gateway URL, token, chat-tool hosts) in `storage.local`, never `sync`.
 * - `alarms`: the badge refresh once a minute while no popup is open (MV3 service workers sleep).
 * - `contextMenus`: "Open llmio admin" on the toolbar button.
 * - `scripting`: registers the chat-tool content script on hosts the user adds (MV3 and Firefox ≥ 102).
 * - Host access to loopback on every port (`http://127.0.0.1/*`, `http://localhost/*`): the default
 *   gateway is http://127.0.0.1:7070, but a gateway on another local port must work without a prompt,
 *   and Firefox match patterns cannot name a port anyway (a port there makes the pattern ignored).
 * - The built-in chat tools' public hosts come in as content-script matches only.
 * - Everything else (a remote gateway, a self-hosted NextChat / LobeChat / Open WebUI) is optional:
 *   requested from the options page, by the user's click, for that one origin.
 */
const LOOPBACK = ["http://127.0.0.1/*", "http://localhost/*"];
const OPTIONAL_ORIGINS = ["http://*/*", "https://*/*"];

/**
 * Firefox, MV2 and MV3 alike: a fixed add-on id (AMO ties the listing, updates and the storage of
 * installed copies to it; without one a temporary install gets a random id), and the declaration
 * that nothing is collected, which AMO requires of new add-ons. `data_collection_permissions` is
 * understood from Firefox 140 (the oldest ESR still supported) and Firefox for Android 142, hence
 * the minimum versions.
 */
const GECKO_SETTINGS = {
  gecko: { id: "extension@llmio.dev", strict_min_version: "140.0", data_collection_permissions: { required: ["none"] } },
  gecko_android: { strict_min_version: "142.0" },
};

export default defineConfig({
  modules: ["@wxt-dev/module-solid"],
  vite: () => ({ plugins: [UnoCSS(), solidTemplatesWithoutInnerHtml()] }),
  manifest: ({ browser, manifestVersion }) => ({
    name: "llmio",
    description: "Your llmio gateway in the toolbar: health, routing controls, and one-click setup of web chat tools.",
    permissions: ["storage", "alarms", "contextMenus", "scripting"],
    host_permissions: LOOPBACK,
    // WXT drops optional_host_permissions for MV2 (Firefox): there they belong in optional_permissions.
    ...(manifestVersion === 3 ? { optional_host_permissions: OPTIONAL_ORIGINS } : { optional_permissions: OPTIONAL_ORIGINS }),
    commands: {
      "open-admin": {
        suggested_key: { default: "Alt+Shift+L" },
        description: "Open the llmio admin UI",
      },
    },
    ...(browser === "firefox" ? { browser_specific_settings: GECKO_SETTINGS } : {}),
  }),
  zip: {
    artifactTemplate: "llmio-{{version}}-{{browser}}.zip",
    sourcesTemplate: "llmio-{{version}}-sources.zip",
    // Rooted at the monorepo with its lockfile, so it rebuilds the add-on on its own (see packaging/).
    sourcesRoot: REPO_ROOT,
    includeSources: sourcesArchiveFiles(),
  },
});
