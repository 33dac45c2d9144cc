// Package archive stores published documents immutably, as the Code of
// Practice asks of model documentation (Transparency chapter, Measure 1.1:
// previous versions are kept for 10 years after the model is placed on the
// market; Measure 1.3: they are protected from unintended alteration).
//
// An archive is a hash chain of versions. Publishing stores a version: a set
// of named files (the rendered documents and their source) and metadata
// (document kind, version label, model, publication time and retention
// date). Each file is stored once, content-addressed by its SHA-256. Each
// version is described by a manifest in canonical JSON that lists its files
// with their digests and sizes, its metadata and the digest of the previous
// version's manifest. The head of the chain (the sequence number and digest
// of the newest manifest) is signed with an Ed25519 key. Verify walks the
// whole archive back from the signed head and names each file, manifest,
// link or signature that does not check out.
//
// # Layout
//
// An archive is a set of keys in a [Store]; [Dir] keeps them in a folder:
//
//	keys/archive.pub             the public key (PEM, PKIX), published with the archive
//	keys/archive.key             the private key (PEM, PKCS #8, mode 0600) unless kept
//	                             elsewhere; never publish it
//	objects/sha256/ab/cdef...    file contents, named by their SHA-256 in hex
//	versions/00000001.json       manifest of version 1, canonical JSON (see [Manifest])
//	versions/00000002.json       manifest of version 2, whose "prev" is the digest of
//	                             version 1's manifest file
//	HEAD                         the signed head (see [Head]); Init writes one naming
//	                             no version, so a missing head is always a problem
//	lock                         the writers' lock file (Dir only)
//
// # Writing
//
// Publish writes the objects first, then the manifest, then the head, each
// atomically and durably (Dir writes a temporary file, syncs it, renames it
// into place and syncs the folder). A version exists once the head names it,
// so a publish interrupted at any point leaves the archive as it was, with
// at most some unreferenced objects, an uncommitted manifest numbered after
// the head, or temporary files: Verify reports these as notes, not problems,
// the next publish overwrites the manifest, and [Archive.Clean] removes them.
// Writers hold the store's lock (see [Locker]), so concurrent publishes run
// one after the other.
//
// Publishing content identical to the newest version of the same kind and
// model (same files, label, metadata and retention date) creates nothing and
// returns that version, so a rerun pipeline does not lengthen the chain.
// Publishing content that an older version already holds creates a new
// version that shares the older one's objects.
//
// # Removal
//
// A version is retained through its retention date; [Archive.Remove] refuses
// it before. After that date, Remove appends a tombstone to the chain: a
// manifest with op "remove" that names the removed version and the digest
// of its manifest. Only then does it delete the removed version's objects
// that no live version shares. The removed version's manifest stays, so the
// chain still verifies and records what was removed and when.
//
// # Limits
//
// A signed head proves the archive is the one the key holder last wrote, not
// that it is the newest: an attacker with an older copy of the whole archive,
// HEAD included, can roll it back. Record the head's digest elsewhere (a
// ticket, a transparency log) to detect that. Verify trusts the public key in
// the archive unless given one; pin the key to detect a re-signed archive.
package archive
