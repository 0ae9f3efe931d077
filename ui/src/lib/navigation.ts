import type { MessageKey } from "./i18n/index.ts";

export interface NavItem {
  href: string;
  label: MessageKey;
  icon: string;
}

/** The sidebar, in order. */
export const NAV_ITEMS: NavItem[] = [
  { href: "/", label: "nav.dashboard", icon: "i-lucide-layout-dashboard" },
  { href: "/providers", label: "nav.providers", icon: "i-lucide-server" },
  { href: "/models", label: "nav.models", icon: "i-lucide-boxes" },
  { href: "/logs", label: "nav.logs", icon: "i-lucide-scroll-text" },
  { href: "/keys", label: "nav.keys", icon: "i-lucide-key-round" },
  { href: "/settings", label: "nav.settings", icon: "i-lucide-settings" },
  { href: "/quick-start", label: "nav.quickStart", icon: "i-lucide-rocket" },
];
