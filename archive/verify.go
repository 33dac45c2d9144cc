package archive

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/gpai-project/gpai"
)

// Kinds of Problem.
const (
	FileAltered     = "file-altered"     // an object's content does not match its digest
	FileRemoved     = "file-removed"     // an object of a live version is missing
	ManifestAltered = "manifest-altered" // a manifest does not match the chain's link to it
	VersionRemoved  = "version-removed"  // a manifest is missing
	VersionsSwapped = "versions-swapped" // two manifests exchanged places
	VersionMoved    = "version-moved"    // a manifest is stored under another version's name
	HeadMissing     = "head-missing"     // the signed head is missing
	HeadAltered     = "head-altered"     // the head is unreadable
	BadSignature    = "bad-signature"    // the head's signature does not verify
	KeyProblem      = "key"              // the public key is missing, unreadable or not the signer's
	ChainBroken     = "chain-broken"     // sequence numbers or tombstones are inconsistent
	EarlyRemoval    = "early-removal"    // a version was removed before its retention date
)

// A Report is the result of Verify.
type Report struct {
	Key      string    `json:"key,omitempty"`  // ID of the trusted public key
	Head     *Head     `json:"head,omitempty"` // the head, if readable
	Versions int       `json:"versions"`       // entries in the chain, tombstones included
	Live     int       `json:"live"`           // published versions not removed
	Files    int       `json:"files"`          // files of live versions checked
	Objects  int       `json:"objects"`        // distinct objects hashed
	Problems []Problem `json:"problems"`       // empty if the archive is intact
	Notes    []string  `json:"notes,omitempty"`
}

// OK reports whether the archive is intact.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

// A Problem is one thing that Verify found wrong.
type Problem struct {
	Kind    string `json:"kind"`              // FileAltered, VersionRemoved, …
	Version int    `json:"version,omitempty"` // the entry concerned, if one
	File    string `json:"file,omitempty"`    // the file of that version concerned, if one
	Key     string `json:"key,omitempty"`     // the store key concerned, if one
	Message string `json:"message"`           // what happened, for people
}

func (p Problem) String() string { return p.Message }

func (r *Report) problem(kind string, version int, file, key, format string, args ...any) {
	r.Problems = append(r.Problems, Problem{Kind: kind, Version: version, File: file, Key: key, Message: fmt.Sprintf(format, args...)})
}

func (r *Report) note(format string, args ...any) {
	r.Notes = append(r.Notes, fmt.Sprintf(format, args...))
}

// mfile is a manifest file as Verify reads it.
type mfile struct {
	key    string
	seq    int // from the key
	digest string
	m      *Manifest
	err    error
}

// Verify reads the whole archive and reports whether it is intact: the
// head's signature, each manifest's digest against the link to it from its
// successor or the head, sequence numbers, tombstones and retention dates,
// and the digest of every object of every live version. Each Problem names
// what was altered, removed, swapped or forged. Interrupted writes leave
// only notes.
//
// Verify returns an error only when the archive cannot be read, with code
// gpai.ENOTFOUND when there is none.
func (a *Archive) Verify(ctx context.Context) (*Report, error) {
	r := &Report{Problems: []Problem{}}
	pub, err := a.verifyKey(ctx, r)
	if err != nil {
		return nil, err
	}

	// The head.
	var head *Head
	b, err := a.get(ctx, HeadKey)
	switch {
	case gpai.ErrorCode(err) == gpai.ENOTFOUND:
		r.problem(HeadMissing, 0, "", HeadKey, "the signed head %s was removed", HeadKey)
	case err != nil:
		return nil, err
	default:
		if head, err = ParseHead(b); err != nil {
			r.problem(HeadAltered, 0, "", HeadKey, "the head %s was altered: %v", HeadKey, err)
		}
	}
	headTrusted := false // the head is signed by the trusted key
	if head != nil {
		r.Head = head
		if pub != nil {
			if err := head.Verify(pub); err != nil {
				r.problem(BadSignature, head.Seq, "", HeadKey, "the head (version %d, manifest %s) is forged or altered: %v", head.Seq, short(head.Manifest), err)
			} else {
				headTrusted = true
			}
		}
	}

	// The manifests.
	keys, err := a.Store.List(ctx, "versions/")
	if err != nil {
		return nil, err
	}
	files := map[int]*mfile{}
	byDigest := map[string][]*mfile{}
	maxSeq := 0
	for _, k := range keys {
		seq, ok := parseVersionKey(k)
		if !ok {
			r.note("%s is not a manifest name and was ignored", k)
			continue
		}
		b, err := a.get(ctx, k)
		if err != nil {
			return nil, err
		}
		f := &mfile{key: k, seq: seq, digest: Digest(b)}
		f.m, f.err = ParseManifest(b)
		files[seq] = f
		byDigest[f.digest] = append(byDigest[f.digest], f)
		maxSeq = max(maxSeq, seq)
	}
	if pub == nil && head == nil && len(files) == 0 {
		return nil, gpai.Errorf(gpai.ENOTFOUND, "there is no archive here (no %s, %s or versions)", PublicKeyKey, HeadKey)
	}
	top := maxSeq
	if head != nil {
		top = head.Seq
	}
	r.Versions = top

	// Walk the chain down from the head, placing each version.
	loc := map[int]*mfile{}
	used := map[*mfile]bool{}
	var missing []int
	// want is the digest that the link from above expects at s. It is
	// anchored when it comes from the verified head through unbroken links:
	// then any manifest with that digest is version s, wherever it is
	// stored, and a mismatch condemns the manifest at s. A link from a
	// manifest that was itself reached without an anchored link is loose: it
	// is checked against the manifest at s only, and a mismatch is a note.
	const (
		none = iota
		loose
		anchored
	)
	want, link, from := "", none, "the signed head"
	if head != nil {
		want = head.Manifest
		if headTrusted {
			link = anchored
		} else {
			link = loose
		}
	}
	for s := top; s >= 1; s-- {
		var f *mfile
		switch c := files[s]; {
		case want == "":
		case link == anchored:
			for _, c := range byDigest[want] {
				if !used[c] && (f == nil || c.seq == s) {
					f = c
				}
			}
		case c != nil && !used[c] && c.digest == want:
			f = c
		}
		if f != nil {
			loc[s], used[f] = f, true
			if f.m == nil {
				r.problem(ChainBroken, s, "", f.key, "the manifest of version %d (%s) matches the chain but is invalid: %v", s, f.key, f.err)
				want, link = "", none
				continue
			}
			if f.m.Seq != s {
				r.problem(ChainBroken, s, "", f.key, "the chain puts the manifest %s at version %d, but it says it is version %d", f.key, s, f.m.Seq)
			}
			want, link, from = f.m.Prev, anchored, fmt.Sprintf("version %d", s)
			continue
		}
		f = files[s]
		if f == nil || used[f] {
			missing = append(missing, s)
			want, link = "", none
			continue
		}
		loc[s], used[f] = f, true
		altered := true
		switch {
		case link == anchored:
			detail := ""
			if f.err != nil {
				detail = fmt.Sprintf(" and is invalid (%v)", f.err)
			}
			r.problem(ManifestAltered, s, "", f.key, "the manifest of version %d (%s) was altered: it hashes to %s%s, but %s records %s",
				s, f.key, short(f.digest), detail, from, short(want))
		case f.err != nil:
			r.problem(ManifestAltered, s, "", f.key, "the manifest of version %d (%s) was altered: %v", s, f.key, f.err)
		default:
			altered = false
			if want != "" {
				r.note("version %d cannot be linked to %s above it, which was altered or forged", s, from)
			}
		}
		if f.m == nil {
			want, link = "", none
			continue
		}
		if f.m.Seq != s && !altered {
			r.problem(ChainBroken, s, "", f.key, "the manifest %s says it is version %d", f.key, f.m.Seq)
		}
		want, link, from = f.m.Prev, loose, fmt.Sprintf("version %d", s)
	}

	// Versions stored under another version's name.
	for s := 1; s <= top; s++ {
		f := loc[s]
		if f == nil || f.seq == s {
			continue
		}
		if g := loc[f.seq]; g != nil && g.seq == s {
			if s < f.seq {
				r.problem(VersionsSwapped, s, "", f.key, "versions %d and %d were swapped: %s holds version %d and %s holds version %d",
					s, f.seq, f.key, s, g.key, f.seq)
			}
			continue
		}
		r.problem(VersionMoved, s, "", f.key, "version %d was moved: it is stored as %s", s, f.key)
	}
	for i := len(missing) - 1; i >= 0; i-- {
		s := missing[i]
		if f := files[s]; f != nil {
			r.problem(VersionRemoved, s, "", VersionKey(s), "version %d was removed: %s holds another version", s, VersionKey(s))
		} else {
			r.problem(VersionRemoved, s, "", VersionKey(s), "version %d was removed: its manifest %s is missing", s, VersionKey(s))
		}
	}
	var uncommitted []string
	for _, k := range keys {
		seq, ok := parseVersionKey(k)
		switch {
		case !ok || used[files[seq]]:
		case seq > top:
			uncommitted = append(uncommitted, k)
		default:
			r.note("%s is not part of the chain", k)
		}
	}
	if len(uncommitted) > 0 {
		r.note("%d manifest(s) after the head are not committed (left by an interrupted publish) and were ignored: %s", len(uncommitted), strings.Join(uncommitted, ", "))
	}

	// Signers, tombstones and retention.
	var located []*Manifest
	for s := 1; s <= top; s++ {
		if f := loc[s]; f != nil && f.m != nil {
			located = append(located, f.m)
		}
	}
	if pub != nil {
		var others []string
		for _, m := range located {
			if m.Signer != KeyID(pub) {
				others = append(others, fmt.Sprintf("%d (%s)", m.Seq, m.Signer))
			}
		}
		if len(others) > 0 {
			r.problem(KeyProblem, 0, "", PublicKeyKey, "versions %s were published with another key than the trusted key %s: the archive's key was replaced", strings.Join(others, ", "), KeyID(pub))
		}
	}
	removedBy := map[int]int{}
	for _, m := range located {
		if m.Op != OpRemove {
			continue
		}
		k := m.Removes.Seq
		f := loc[k]
		switch {
		case f == nil || f.m == nil:
		case f.digest != m.Removes.Manifest:
			r.problem(ChainBroken, m.Seq, "", VersionKey(m.Seq), "tombstone %d removes a version %d whose manifest is not the one in the chain", m.Seq, k)
		case f.m.Op != OpPublish:
			r.problem(ChainBroken, m.Seq, "", VersionKey(m.Seq), "tombstone %d removes entry %d, which is itself a tombstone", m.Seq, k)
		case removedBy[k] != 0:
			r.problem(ChainBroken, m.Seq, "", VersionKey(m.Seq), "tombstone %d removes version %d, already removed by entry %d", m.Seq, k, removedBy[k])
		case !m.Published.Truncate(24 * time.Hour).After(f.m.RetainUntil):
			r.problem(EarlyRemoval, k, "", VersionKey(m.Seq), "version %d was removed on %s by entry %d, before the end of its retention on %s",
				k, m.Published.Format(time.DateOnly), m.Seq, f.m.RetainUntil.Format(time.DateOnly))
		}
		if removedBy[k] == 0 {
			removedBy[k] = m.Seq
		}
	}

	// The objects.
	type ref struct {
		seq  int
		file File
	}
	refs := map[string][]ref{}
	for _, m := range located {
		if m.Op != OpPublish || removedBy[m.Seq] != 0 {
			continue
		}
		r.Live++
		for _, f := range m.Files {
			refs[f.Key()] = append(refs[f.Key()], ref{m.Seq, f})
			r.Files++
		}
	}
	objKeys := make([]string, 0, len(refs))
	for k := range refs {
		objKeys = append(objKeys, k)
	}
	sort.Strings(objKeys)
	for _, k := range objKeys {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		sum, size, err := a.hashObject(ctx, k)
		if gpai.ErrorCode(err) == gpai.ENOTFOUND {
			for _, x := range refs[k] {
				r.problem(FileRemoved, x.seq, x.file.Name, k, "file %s of version %d was removed: its object %s is missing", x.file.Name, x.seq, k)
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		r.Objects++
		for _, x := range refs[k] {
			if sum != x.file.SHA256 || size != x.file.Size {
				r.problem(FileAltered, x.seq, x.file.Name, k, "file %s of version %d was altered: its content (%d bytes) hashes to sha256:%s, the manifest records sha256:%s (%d bytes)",
					x.file.Name, x.seq, size, sum[:12], x.file.SHA256[:12], x.file.Size)
			}
		}
	}
	stored, err := a.Store.List(ctx, "objects/")
	if err != nil {
		return nil, err
	}
	orphans := 0
	for _, k := range stored {
		if refs[k] == nil {
			orphans++
		}
	}
	if orphans > 0 {
		r.note("%d object(s) belong to no live version (left by an interrupted publish or a removal) and were not checked", orphans)
	}
	sort.SliceStable(r.Problems, func(i, j int) bool { return r.Problems[i].Version > r.Problems[j].Version })
	return r, nil
}

// verifyKey returns the trusted public key, or nil with a problem.
func (a *Archive) verifyKey(ctx context.Context, r *Report) (ed25519.PublicKey, error) {
	own, err := a.archiveKey(ctx)
	code := gpai.ErrorCode(err)
	if code == gpai.EINTERNAL {
		return nil, err
	}
	if a.PublicKey != nil {
		r.Key = KeyID(a.PublicKey)
		switch {
		case code == gpai.ENOTFOUND:
			r.problem(KeyProblem, 0, "", PublicKeyKey, "the archive's public key %s was removed", PublicKeyKey)
		case err != nil:
			r.problem(KeyProblem, 0, "", PublicKeyKey, "%s", gpai.ErrorMessage(err))
		case !own.Equal(a.PublicKey):
			r.problem(KeyProblem, 0, "", PublicKeyKey, "the archive's public key %s is %s, not the trusted key %s", PublicKeyKey, KeyID(own), r.Key)
		}
		return a.PublicKey, nil
	}
	switch {
	case code == gpai.ENOTFOUND:
		if keys, _ := a.Store.List(ctx, ""); len(keys) > 0 {
			r.problem(KeyProblem, 0, "", PublicKeyKey, "the archive's public key %s was removed, so no signature can be checked", PublicKeyKey)
		}
		return nil, nil
	case err != nil:
		r.problem(KeyProblem, 0, "", PublicKeyKey, "%s, so no signature can be checked", gpai.ErrorMessage(err))
		return nil, nil
	}
	r.Key = KeyID(own)
	return own, nil
}

// hashObject streams the object at key through SHA-256.
func (a *Archive) hashObject(ctx context.Context, key string) (string, int64, error) {
	rc, err := a.Store.Get(ctx, key)
	if err != nil {
		return "", 0, err
	}
	defer rc.Close()
	h := sha256.New()
	n, err := io.Copy(h, rc)
	if err != nil {
		return "", 0, fmt.Errorf("read %s: %w", key, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// short abbreviates a digest for messages.
func short(d string) string {
	if len(d) > len("sha256:")+12 {
		return d[:len("sha256:")+12]
	}
	return d
}
