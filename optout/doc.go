// Package optout decides whether a crawler may use a URL's content for a
// purpose such as training a generative model, from every machine-readable
// rights reservation known about it, and says why.
//
// It implements the decision procedure of the toolkit's opt-out
// specification (optout.md section 9) over the protocol packages robots,
// aipref, tdmrep, noai and htmlmeta, and adds the two checks of the Code of
// Practice's copyright chapter that are not reservations: lists of piracy
// domains (Measure 1.2(b)) and access controls such as paywalls and login
// walls (Measure 1.2(a)).
//
// A [Policy] holds the crawler's identity (the product tokens it answers to;
// the "*" group applies when no group names one of them), the purpose, the
// robots.txt reading and an optional [Blocklist]. [Policy.Decide] takes a URL
// and what is known about its site ([Site]: robots.txt and tdmrep.json) and
// the page itself ([Page]: status, header fields, HTML head) and returns a
// [Result]: one of the decisions
//
//   - [Blocked]: the URL's registered domain is on a piracy list;
//   - [Restricted]: an access control protects the content (HTTP 401, 402,
//     403, 407 or 451, a login wall, schema.org isAccessibleForFree false);
//   - [Reserved]: a rights reservation applies (robots.txt disallows the
//     crawler, Content-Usage or Content-Signal disallows the purpose,
//     TDMRep reserves mining rights, noai or noimageai);
//   - [Unknown]: nothing reserves it but the rules could not be read (no
//     robots.txt known, or robots.txt unreachable, which RFC 9309 treats as
//     a complete disallow);
//   - [Allowed]: robots.txt was read and lets the crawler fetch the URL, and
//     no other source reserves it;
//
// with the evidence of every source that spoke. Sources are combined most
// restrictively, in the order above: an explicit permission (tdm-reservation
// 0, train-ai=y, ai-train=yes) never overrides another source's reservation,
// and the reason says when one was overridden.
//
// The package never fetches anything: package fetch reads live sites and
// package audit reads crawl archives, and both hand their findings to Decide.
package optout
