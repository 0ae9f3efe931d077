/**
 * Why a file operation failed, in words (`permission denied (/var/lib)`), naming the path that
 * failed unless it is `named`, the one the message already names.
 */
export function describeFsError(error: unknown, named?: string): string {
  const { code, path: failed, message } = (error ?? {}) as { code?: string; path?: string; message?: string };
  const path = failed === named ? undefined : failed;
  switch (code) {
    case "EACCES":
    case "EPERM":
      return `permission denied${path ? ` (${path})` : ""}`;
    case "EROFS":
      return "read-only file system";
    case "ENOTDIR":
      return `a part of the path is a file, not a folder${path ? ` (${path})` : ""}`;
    case "EISDIR":
      return `it is a folder${path ? ` (${path})` : ""}`;
    case "ENOENT":
      return `no such file or folder${path ? ` (${path})` : ""}`;
    case "ENOSPC":
      return "no space left on the device";
    case "EEXIST":
      return `a file is in the way${path ? ` (${path})` : ""}`;
    default:
      return (message ?? String(error)).split("\n")[0];
  }
}
