// Package aipref reads AI usage preferences: the IETF AIPREF vocabulary
// (draft-ietf-aipref-vocab, read at -07) attached to content with the
// Content-Usage HTTP header field or robots.txt rule
// (draft-ietf-aipref-attach, read at -05), and Cloudflare's Content Signals
// Policy (the robots.txt Content-Signal line, draft-romm-aipref-contentsignals-00).
//
// A Content-Usage value is an RFC 9651 Structured Field Dictionary whose keys
// are category labels and whose values are the Tokens y (allow) and n
// (disallow), as in "train-ai=n, search=y". The vocabulary is still a draft,
// so the package keeps every member as written, known label or not, and gives
// meaning only to the labels of the current revision ([TrainAI] and
// [Search]). Labels of earlier revisions (tdm, ai, genai, all, bots,
// train-genai, ai-use, ai-output, inference) are kept but never interpreted.
//
// [Decide] answers, for a [Purpose], whether a set of statements allows,
// disallows or says nothing about it, combining them as the vocabulary's
// section 5.1 combines preferences: any disallow wins, then any allow, and
// otherwise the preference is unknown.
//
// The package never fetches anything and does not parse robots.txt: the
// robots.txt reader hands it the raw values of Content-Usage and
// Content-Signal lines, and it selects the rules that apply to a path with
// [Applicable].
//
// Spawning's ai.txt is not handled here. It is a robots.txt-like file with
// User-Agent, Allow and Disallow lines and no grammar of its own that could
// be verified, so it is read with the robots.txt engine; a Disallow for the
// training crawler is a reservation.
package aipref
