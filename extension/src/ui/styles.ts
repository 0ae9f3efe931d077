// One module imports the generated CSS for every extension page: UnoCSS builds one stylesheet
// per import site, and two sites (popup, options) left classes out of the shared chunk.
import "@unocss/reset/tailwind.css";
import "virtual:uno.css";
