import { createSignal } from "solid-js";
import { storage } from "./storage.ts";

const TOKEN_KEY = "llmio.token";

const [token, setTokenSignal] = createSignal<string | null>(storage.get(TOKEN_KEY));

/** The admin TOKEN, kept in localStorage so a reload stays logged in. */
export { token };

export function setToken(value: string): void {
  storage.set(TOKEN_KEY, value);
  setTokenSignal(value);
}

/** Logout, or the API answered 401: forget the token (the shell then shows the login page). */
export function clearToken(): void {
  storage.set(TOKEN_KEY, null);
  setTokenSignal(null);
}
