import "../../src/ui/styles.ts";
import { render } from "solid-js/web";
import { applyDocumentLanguage } from "../../src/i18n.ts";
import { Options } from "./options.tsx";

applyDocumentLanguage();
render(() => <Options />, document.getElementById("app")!);
