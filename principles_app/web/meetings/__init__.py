"""Pages of a General Meeting: details, attendance, proxies."""
