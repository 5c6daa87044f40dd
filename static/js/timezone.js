// Times render in the visitor's time zone: the tz cookie, read server-side by BrowserTimezoneMiddleware.

// The cookie to set for zone (an IANA name; for a year, the whole site), or null when there is no zone
// or the cookies already say it.
export function timezoneCookie(cookies, zone) {
  const value = "tz=" + encodeURIComponent(zone || "");
  if (!zone || cookies.indexOf(value) !== -1) return null;
  return value + "; path=/; max-age=31536000; samesite=lax";
}

export function start() {
  try {
    const cookie = timezoneCookie(document.cookie, Intl.DateTimeFormat().resolvedOptions().timeZone);
    if (cookie) document.cookie = cookie;
  } catch (e) { /* old browser: the server's time zone is used */ }
}
