import { expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { inlineScripts, uiSecurityHeaders } from "./ui-security.ts";

const PAGE = `<!doctype html><head>
<script>
  var a = 1;
</script>
<script type="module" crossorigin src="/assets/index.js"></script>
<SCRIPT>b()</SCRIPT >
</head>`;

test("inlineScripts: the contents of scripts without src, exactly", () => {
  expect(inlineScripts(PAGE)).toEqual(["\n  var a = 1;\n", "b()"]);
});

test("uiSecurityHeaders: each inline script allowed by its hash, nothing inline otherwise, not framable", () => {
  const headers = uiSecurityHeaders(PAGE);
  const policy = headers["content-security-policy"];
  for (const script of inlineScripts(PAGE)) expect(policy).toContain(`'sha256-${createHash("sha256").update(script).digest("base64")}'`);
  expect(policy).toContain("frame-ancestors 'none'");
  expect(policy).not.toContain("unsafe");
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(uiSecurityHeaders("<p>no script</p>")["content-security-policy"]).toContain("script-src 'self';");
});
