// Package robots implements the Robots Exclusion Protocol (RFC 9309) and,
// alongside it, the reading of Google's open-source robots.txt parser
// (github.com/google/robotstxt), which differs from the RFC in many small
// ways that publishers rely on.
//
// A file is parsed once with [Parse] or [ParseBytes] and then asked any
// number of questions with [File.Decide] or [File.Allowed]. Parsing reads
// the records, warnings and groups; the rules that apply to an agent are
// compiled on the first decision for that agent (or by [File.Compile]),
// after which its decisions take no lock and do not allocate. Parsing never
// fails on content: lines that cannot be read are skipped, as RFC 9309
// requires, and reported in [File.Warnings]. Only the first [MaxSize] bytes
// are read; [File.Truncated] tells whether there was more.
//
// # Profiles
//
// Every decision is taken under a [Profile]:
//
//   - [RFC] reads the file exactly as RFC 9309 does.
//   - [Google] answers what Google's parser answers, so publishers get the
//     result they test against with Google's tools.
//   - [Strict] disallows a path when either reading disallows it. It is the
//     zero Profile and the default for decisions about AI training.
//
// The readings differ as follows (the RFC reading first, then Google's):
//
//   - Keys: exactly user-agent, allow and disallow, in any case; Google also
//     accepts any key that starts with one of them (Disallowed, allow-this,
//     User-agentx) and the misspellings useragent, "user agent", dissallow,
//     dissalow, disalow, diasllow and disallaw.
//   - Separator: a colon is required; Google also accepts a line of exactly
//     two words separated by white space ("disallow /x").
//   - White space: only SP and HT; Google also trims VT and FF, cuts a line
//     at its first NUL byte and keeps only the first 16,663 bytes of a line.
//   - Rule values: a value with inner white space or control characters is
//     out of the RFC grammar and skipped; Google keeps it.
//   - Byte-order mark: a complete UTF-8 BOM at the start of the file is
//     skipped; Google also skips any leading part of one.
//   - User-agent values: the RFC reading compares the whole value with the
//     crawler's product token, case-insensitively, and only "*" is the
//     global agent. Google keeps only the value's leading run of
//     [A-Za-z_-] (Googlebot/2.1 is Googlebot, AI2Bot is AI), and "*"
//     followed by white space and anything is also global.
//   - Percent-encoding: the RFC reading normalises both the rule and the
//     path (non-ASCII octets encoded, encoded unreserved characters decoded,
//     hex digits upper-cased). Google normalises only the rule (non-ASCII
//     octets encoded, hex upper-cased) and compares the path as given.
//   - /robots.txt is always allowed in the RFC reading; Google gives it no
//     special treatment.
//   - An Allow rule whose last segment starts with /index.htm also allows
//     its directory (Allow: /d/index.html allows exactly /d/) in Google's
//     reading only.
//
// Both readings group records the same way: consecutive user-agent lines
// start a group, blank lines and records other than allow and disallow
// (Sitemap, Crawl-delay, Content-Usage, Content-Signal, unknown keys) never
// end one, and rules before the first user-agent line are ignored. All
// groups naming the crawler are merged; the "*" groups apply only when no
// group names it. The longest matching pattern wins, counting the octets of
// the normalised pattern including "*" and "$", and an allow wins a tie.
//
// # Other records
//
// Every record is kept in [File.Records] with its line number, its raw key
// and value and the group it belongs to, so that other packages can read
// AI-preference lines such as Content-Usage and Content-Signal with the
// same grouping. [File.GroupsFor] tells which groups apply to a crawler.
package robots
