// Package fetch reads the rights reservations of live web sites the way
// RFC 9309 (section 2.3 and 2.4) says a crawler must, and hands them to
// package optout for a decision.
//
// A [Fetcher] fetches an origin's /robots.txt and handles the result by
// status: a 2xx body is parsed (only its first 500 KiB, robots.MaxSize); up
// to five consecutive redirects are followed, also across hosts, and the
// rules then apply to the original origin, while a longer chain counts as
// unavailable; 4xx means unavailable, so everything is allowed; 5xx, 429, a
// network error or a timeout means unreachable, so everything is
// disallowed. Results are cached per origin for at most 24 hours, less when
// the response's Cache-Control or Expires says so, and an expired copy is
// kept in use for up to 30 days while robots.txt is unreachable.
//
// It also fetches the origin's /.well-known/tdmrep.json (TDMRep) and the
// page itself, whose header fields (Content-Usage, tdm-reservation,
// X-Robots-Tag) and HTML head (meta robots, tdm-* meta, schema.org
// isAccessibleForFree) are evidence too. It fetches nothing from a domain on
// the policy's piracy list, and fetches a page or tdmrep.json only where
// robots.txt lets both the crawler being checked and the fetcher's own
// product token (gpai-optout) fetch it.
//
// Every request carries a User-Agent naming the fetcher and a URL about
// it, has a timeout, and reads a bounded number of bytes. Requests to one
// host are spaced by at least Config.HostDelay (or the host's Crawl-delay for
// gpai-optout, up to Config.MaxCrawlDelay) and limited to
// Config.HostConcurrency at a time.
package fetch
