import "@unocss/reset/tailwind.css";
import "virtual:uno.css";
import "./styles.css";
import { render } from "solid-js/web";
import { App } from "./app.tsx";
import { localeTag } from "./lib/i18n/index.ts";
import { applyTheme } from "./lib/theme.ts";

applyTheme();
document.documentElement.lang = localeTag();
render(() => <App />, document.getElementById("root")!);
