// Package audit checks a dataset's manifests against rights reservations,
// for third-party datasets and a provider's own crawls (Code of Practice,
// copyright chapter, Measure 1.3).
//
// A manifest is a URL list (one absolute URL per line), a CDXJ index (plain
// or gzip, as pywb and Common Crawl write it) or a WARC file (plain or gzip
// per record, read with github.com/nlnwa/gowarc). [NewReader] detects the
// format. In a WARC file the robots.txt and /.well-known/tdmrep.json
// captures are the evidence, as of their capture time, and each captured
// response's status, header fields and HTML head are the page's evidence;
// a URL list or CDXJ index holds no robots.txt content, so its records are
// decided with the captures of WARC manifests given alongside, or with
// robots.txt results that an [Auditor.Robots] function supplies (for
// example, fetched live).
//
// [Auditor.Run] streams every manifest twice when it can reopen it: first
// to collect the robots.txt and tdmrep.json captures, then to decide every
// record with package optout. Memory grows with the number of distinct
// origins and registered domains, never with the number of records. The
// [Report] holds totals and shares by decision and by signal, the
// most-reserved domains with an example of the evidence, and the skipped
// lines by reason; it encodes as text, JSON and HTML. The records that may
// be used can be written to a filtered manifest as they are decided.
package audit
