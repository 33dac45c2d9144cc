// Package screen finds long verbatim overlaps between generated text and a
// set of protected works: the technical safeguard against outputs that
// reproduce training content, Measure 1.4 of the copyright chapter of the
// General-Purpose AI Code of Practice.
//
// A Builder turns works (plain text, HTML, or the response records of a
// WARC file) into an Index, which is written to disk and loaded again with
// Load. Index.Scan reports every span of a text that appears in a work.
//
// # Words
//
// Text is compared as a sequence of normalised words, so that case,
// punctuation and white space do not matter. A word is a maximal run of
// letters, digits and combining marks (Unicode categories L, N and M); every
// other character separates words. Each character of a script written
// without spaces (Han, Hiragana, Katakana, Thai, Lao, Khmer, Myanmar) is a
// word of its own, with the combining marks that follow it. A word is
// normalised to Unicode NFKC and then lower-cased. "Don't!" and "DON T" are
// therefore the same two words, "don" and "t".
//
// # Fingerprints
//
// The index holds winnowed fingerprints (Schleimer, Wilkerson and Aiken,
// "Winnowing: local algorithms for document fingerprinting", SIGMOD 2003).
// Every run of K consecutive words (a K-gram) is hashed to 64 bits; of each
// window of W consecutive K-grams the one with the smallest hash (the
// rightmost one on a tie) is selected. A work's selected hashes, with the
// positions they came from, form its fingerprints. A scanned text is
// winnowed the same way and its selected hashes are looked up.
//
// Because the choice in a window depends on that window alone, two texts
// that share a run of T = W + K - 1 words share a whole window and so select
// the same K-gram from it, at the same place in the run. Hence the
// guarantee: every verbatim overlap of at least MinWords = W + K - 1
// normalised words between a scanned text and an indexed work is found, as
// long as the hash of that K-gram is looked up, which it always is. Overlaps
// shorter than K words are never found, and overlaps between K and MinWords
// words may or may not be; Scan reports only overlaps of at least the
// length asked, so shorter ones are never reported at all.
//
// # Verification
//
// A hash that matches is only a candidate. Scan reads the work's stored
// text, compares its words with the scanned text's words byte for byte from
// the candidate position, and extends the agreement left and right as far as
// it goes. What it reports is therefore a maximal span of identical
// normalised words, never a hash collision: Scan raises no false alarm.
//
// # Index file
//
// The index file is versioned, has a fixed header, and ends with a CRC-32C
// of everything before it; Load checks the checksum and every offset and
// count before it uses them, so a damaged or hostile file yields an error
// wrapping ErrCorrupt and never a panic. The works' texts are kept in
// zstd-compressed frames of about 16 KiB, because verification needs them;
// a frame is decompressed only when a fingerprint of one of its works matches.
package screen
