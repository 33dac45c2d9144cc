// Package crawl is a polite crawler for providers of general-purpose AI
// models that collect their own training data, built to meet Measures 1.2
// and 1.3 of the copyright chapter of the General-Purpose AI Code of
// Practice: it reproduces only lawfully accessible content and identifies
// and complies with rights reservations, and it keeps the evidence.
//
// Every fetch is decided first by package optout: nothing is requested from
// a domain on a piracy list; robots.txt is read per RFC 9309 through
// package fetch (with its caching and status rules: 4xx allows everything,
// 5xx, 429 and unreachable disallow everything) for the crawler's product
// tokens; the AI preferences of robots.txt (Content-Usage, Content-Signal)
// and /.well-known/tdmrep.json are consulted before the page is requested,
// and the page's own signals (Content-Usage, tdm-reservation, X-Robots-Tag
// and meta noai, HTTP 401, 402, 403, 407 and 451, a redirect to a login
// page, schema.org isAccessibleForFree false) after. Content that is not
// allowed is not stored; no access control is circumvented.
//
// Requests are polite: at most Config.PerHost at a time to one host, their
// starts spaced by Config.Delay or the host's Crawl-delay for the crawler's
// tokens, whichever is longer, and a host that answers 429 or 503 is left
// alone for its Retry-After or an exponentially growing pause. Every
// request carries the User-Agent of the crawler's [Identity].
//
// A crawl writes into one directory:
//
//	journal.jsonl          the frontier and state journal (append-only)
//	ledger.jsonl           the evidence ledger: one [Entry] per URL
//	warc/*.warc.gz         the content: request, response and metadata records
//	robotstxt/*.warc.gz    the robots.txt and tdmrep.json captures
//	lock                   held while a crawler runs in the directory
//
// The WARC files are WARC 1.1, one gzip member per record, with
// WARC-Block-Digest and WARC-Payload-Digest (SHA-1, base32); a segment
// being written ends in .open and is renamed when it reaches
// Config.SegmentSize or the crawl ends. Following Common Crawl, the
// robots.txt and tdmrep.json captures are kept apart from the content, so
// that statistics of the content count only content; package audit reads
// both.
//
// The ledger names, for every URL the crawl met, what happened to it and
// why: fetched (stored), redirected, sitemap (read for its URLs) or
// skipped, with one of the reasons reserved, blocked, restricted, unknown,
// out-of-scope or error; the evidence of every source that spoke; and the
// SHA-256 of the robots.txt and tdmrep.json that decided, with the time
// they were fetched.
//
// A crawl survives a crash. WARC records, ledger lines and journal events
// are appended in batches; a batch is committed by syncing the WARC
// segments and the ledger and then appending a commit event, with their
// sizes, to the journal and syncing it. On start, [Crawler.Run] cuts every
// file back to the last commit, deletes segments no commit names and
// continues with the frontier the journal holds: no committed URL is
// fetched again and none is written twice.
package crawl
