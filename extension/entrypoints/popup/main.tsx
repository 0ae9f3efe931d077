import "../../src/ui/styles.ts";
import { render } from "solid-js/web";
import { applyDocumentLanguage } from "../../src/i18n.ts";
import { App } from "./app.tsx";

applyDocumentLanguage();
render(() => <App />, document.getElementById("app")!);
