package archive

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// Formats name the versions of the manifest and head encodings.
const (
	ManifestFormat = "gpai-archive-manifest/1"
	HeadFormat     = "gpai-archive-head/1"
)

// Ops of a manifest.
const (
	OpPublish = "publish" // the manifest publishes a version
	OpRemove  = "remove"  // the manifest is a tombstone for a removed version
)

// TimeLayout is the layout of a manifest's publication time: UTC, to the
// second.
const TimeLayout = "2006-01-02T15:04:05Z"

// maxManifest bounds the size of a manifest or head that ParseManifest and
// ParseHead accept.
const maxManifest = 16 << 20

// A Manifest describes one entry of the chain: a published version, or a
// tombstone recording the removal of one.
//
// Its encoding is canonical JSON: the object written by Marshal, with keys
// in a fixed order (maps sorted by key), no insignificant space, and a final
// newline. ParseManifest accepts nothing else, so each manifest has exactly
// one encoding and its digest is the SHA-256 of that encoding. For example:
//
//	{"format":"gpai-archive-manifest/1","seq":2,"prev":"sha256:9f86…","op":"publish",
//	"published":"2026-09-01T10:00:00Z","signer":"ed25519:3a7b…","kind":"documentation",
//	"label":"1.1","retain_until":"2036-08-02","meta":{"model":"Acme-7B"},
//	"files":{"documentation.md":{"sha256":"2c26…","size":1843}}}
type Manifest struct {
	Seq       int       // position in the chain, from 1
	Prev      string    // digest of the previous manifest, "sha256:<hex>"; empty for the first
	Op        string    // OpPublish or OpRemove
	Published time.Time // when the entry was written, UTC, to the second
	Signer    string    // ID of the key that signed the head naming this entry (see KeyID)

	// Fields of OpPublish.
	Kind        string            // document kind, such as "documentation" or "summary"
	Label       string            // version label chosen by the publisher; may be empty
	RetainUntil time.Time         // the day through which the version must be kept
	Meta        map[string]string // further metadata, such as "model"
	Files       []File            // sorted by name

	// Fields of OpRemove.
	Removes *Removal
	Reason  string
}

// A File is one file of a published version.
type File struct {
	Name   string // slash-separated path, as fs.ValidPath accepts
	SHA256 string // digest of the content, lower-case hex
	Size   int64
}

// Key returns the store key of the object holding f's content.
func (f File) Key() string { return ObjectKey(f.SHA256) }

// ObjectKey returns the store key of the object whose SHA-256 is the
// lower-case hex sum.
func ObjectKey(sum string) string {
	if len(sum) < 3 {
		return "objects/sha256/" + sum
	}
	return "objects/sha256/" + sum[:2] + "/" + sum[2:]
}

// VersionKey returns the store key of the manifest of entry seq.
func VersionKey(seq int) string { return fmt.Sprintf("versions/%08d.json", seq) }

// HeadKey and PublicKeyKey are the store keys of the signed head and of the
// archive's public key.
const (
	HeadKey      = "HEAD"
	PublicKeyKey = "keys/archive.pub"
)

// A Removal names the version that a tombstone removes.
type Removal struct {
	Seq      int    // the removed version
	Manifest string // digest of its manifest, "sha256:<hex>"
}

// wire forms: field order is the canonical key order.
type manifestJSON struct {
	Format      string              `json:"format"`
	Seq         int                 `json:"seq"`
	Prev        string              `json:"prev,omitempty"`
	Op          string              `json:"op"`
	Published   string              `json:"published"`
	Signer      string              `json:"signer"`
	Kind        string              `json:"kind,omitempty"`
	Label       string              `json:"label,omitempty"`
	RetainUntil string              `json:"retain_until,omitempty"`
	Meta        map[string]string   `json:"meta,omitempty"`
	Files       map[string]fileJSON `json:"files,omitempty"`
	Removes     *removalJSON        `json:"removes,omitempty"`
	Reason      string              `json:"reason,omitempty"`
}

type fileJSON struct {
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

type removalJSON struct {
	Seq      int    `json:"seq"`
	Manifest string `json:"manifest"`
}

// Marshal returns the canonical encoding of m. It returns an error if m is
// not a valid manifest.
func (m *Manifest) Marshal() ([]byte, error) {
	if err := m.validate(); err != nil {
		return nil, err
	}
	return m.encode(), nil
}

func (m *Manifest) encode() []byte {
	w := manifestJSON{
		Format:    ManifestFormat,
		Seq:       m.Seq,
		Prev:      m.Prev,
		Op:        m.Op,
		Published: m.Published.UTC().Format(TimeLayout),
		Signer:    m.Signer,
		Kind:      m.Kind,
		Label:     m.Label,
		Meta:      m.Meta,
		Reason:    m.Reason,
	}
	if len(w.Meta) == 0 {
		w.Meta = nil
	}
	if !m.RetainUntil.IsZero() {
		w.RetainUntil = m.RetainUntil.UTC().Format(time.DateOnly)
	}
	if len(m.Files) > 0 {
		w.Files = make(map[string]fileJSON, len(m.Files))
		for _, f := range m.Files {
			w.Files[f.Name] = fileJSON{f.SHA256, f.Size}
		}
	}
	if m.Removes != nil {
		w.Removes = &removalJSON{m.Removes.Seq, m.Removes.Manifest}
	}
	return canonical(w)
}

// canonical encodes v as compact JSON without HTML escaping, and a newline.
func canonical(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic("archive: encode: " + err.Error()) // only strings, ints and maps of them
	}
	return b.Bytes()
}

// ParseManifest decodes a manifest, accepting only a valid manifest in its
// canonical encoding.
func ParseManifest(b []byte) (*Manifest, error) {
	if len(b) > maxManifest {
		return nil, fmt.Errorf("manifest: %d bytes, more than the limit of %d", len(b), maxManifest)
	}
	var w manifestJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return nil, fmt.Errorf("manifest: %v", err)
	}
	if w.Format != ManifestFormat {
		return nil, fmt.Errorf("manifest: format %q, want %q", w.Format, ManifestFormat)
	}
	m := &Manifest{
		Seq:    w.Seq,
		Prev:   w.Prev,
		Op:     w.Op,
		Signer: w.Signer,
		Kind:   w.Kind,
		Label:  w.Label,
		Meta:   w.Meta,
		Reason: w.Reason,
	}
	var err error
	if m.Published, err = time.Parse(TimeLayout, w.Published); err != nil {
		return nil, fmt.Errorf("manifest: published %q is not a time of the form %s", w.Published, TimeLayout)
	}
	if w.RetainUntil != "" {
		if m.RetainUntil, err = time.Parse(time.DateOnly, w.RetainUntil); err != nil {
			return nil, fmt.Errorf("manifest: retain_until %q is not a date of the form YYYY-MM-DD", w.RetainUntil)
		}
	}
	for name, f := range w.Files {
		m.Files = append(m.Files, File{Name: name, SHA256: f.SHA256, Size: f.Size})
	}
	sort.Slice(m.Files, func(i, j int) bool { return m.Files[i].Name < m.Files[j].Name })
	if w.Removes != nil {
		m.Removes = &Removal{w.Removes.Seq, w.Removes.Manifest}
	}
	if err := m.validate(); err != nil {
		return nil, err
	}
	if !bytes.Equal(m.encode(), b) {
		return nil, fmt.Errorf("manifest: not in canonical form")
	}
	return m, nil
}

func (m *Manifest) validate() error {
	switch {
	case m.Seq < 1:
		return fmt.Errorf("manifest: seq %d, want 1 or more", m.Seq)
	case m.Seq == 1 && m.Prev != "":
		return fmt.Errorf("manifest: version 1 has a previous manifest %q", m.Prev)
	case m.Seq > 1 && !validDigest(m.Prev):
		return fmt.Errorf("manifest: prev %q is not a digest of the form sha256:<64 hex digits>", m.Prev)
	case !validKeyID(m.Signer):
		return fmt.Errorf("manifest: signer %q is not a key ID of the form ed25519:<32 hex digits>", m.Signer)
	case m.Published.IsZero():
		return fmt.Errorf("manifest: no publication time")
	case !utf8.ValidString(m.Kind) || !utf8.ValidString(m.Label) || !utf8.ValidString(m.Reason):
		return fmt.Errorf("manifest: text is not UTF-8")
	}
	if !m.Published.Equal(m.Published.Truncate(time.Second)) || m.Published.Year() < 1 || m.Published.Year() > 9999 {
		return fmt.Errorf("manifest: publication time %v is not a whole second between years 1 and 9999", m.Published)
	}
	for k, v := range m.Meta {
		if k == "" || !utf8.ValidString(k) || !utf8.ValidString(v) {
			return fmt.Errorf("manifest: metadata key %q is empty or not UTF-8", k)
		}
	}
	switch m.Op {
	case OpPublish:
		if m.Kind == "" {
			return fmt.Errorf("manifest: version %d has no kind", m.Seq)
		}
		if m.RetainUntil.IsZero() || m.RetainUntil.Year() > 9999 || !m.RetainUntil.Equal(m.RetainUntil.Truncate(24*time.Hour)) {
			return fmt.Errorf("manifest: version %d has no retention date", m.Seq)
		}
		if len(m.Files) == 0 {
			return fmt.Errorf("manifest: version %d has no files", m.Seq)
		}
		if m.Removes != nil || m.Reason != "" {
			return fmt.Errorf("manifest: version %d publishes and removes", m.Seq)
		}
		for i, f := range m.Files {
			if err := validName(f.Name); err != nil {
				return fmt.Errorf("manifest: %v", err)
			}
			if i > 0 && m.Files[i-1].Name >= f.Name {
				return fmt.Errorf("manifest: files not sorted or %q repeated", f.Name)
			}
			if !validHex(f.SHA256, 64) {
				return fmt.Errorf("manifest: file %q: sha256 %q is not 64 lower-case hex digits", f.Name, f.SHA256)
			}
			if f.Size < 0 {
				return fmt.Errorf("manifest: file %q: negative size", f.Name)
			}
		}
	case OpRemove:
		if m.Removes == nil || m.Removes.Seq < 1 || m.Removes.Seq >= m.Seq || !validDigest(m.Removes.Manifest) {
			return fmt.Errorf("manifest: tombstone %d does not name an earlier version and its digest", m.Seq)
		}
		if len(m.Files) > 0 || m.Kind != "" || m.Label != "" || len(m.Meta) > 0 || !m.RetainUntil.IsZero() {
			return fmt.Errorf("manifest: tombstone %d has the fields of a version", m.Seq)
		}
	default:
		return fmt.Errorf("manifest: op %q, want %q or %q", m.Op, OpPublish, OpRemove)
	}
	return nil
}

// validName reports whether name can name a file of a version.
func validName(name string) error {
	if !fs.ValidPath(name) || name == "." || strings.Contains(name, `\`) {
		return fmt.Errorf("file name %q is not a relative slash-separated path", name)
	}
	return nil
}

func validHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

func validDigest(s string) bool {
	return strings.HasPrefix(s, "sha256:") && validHex(s[len("sha256:"):], 64)
}

func validKeyID(s string) bool {
	return strings.HasPrefix(s, "ed25519:") && validHex(s[len("ed25519:"):], 32)
}

// Digest returns the digest of b as "sha256:<hex>".
func Digest(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// A Head is the signed statement of the newest entry of the chain. Its
// encoding is canonical JSON of the same kind as a manifest's:
//
//	{"format":"gpai-archive-head/1","seq":3,"manifest":"sha256:…","key":"ed25519:…","signature":"<base64>"}
//
// The signature is Ed25519 over the same object without the "signature"
// member, encoded canonically with its final newline.
//
// The head of an archive with no entries yet, written when the archive is
// created, has seq 0 and an empty manifest digest; a missing head is thus
// always a problem.
type Head struct {
	Seq       int    `json:"seq"`       // sequence number of the newest entry; 0 in an empty archive
	Manifest  string `json:"manifest"`  // digest of its manifest, "sha256:<hex>"; empty in an empty archive
	Key       string `json:"key"`       // ID of the signing key
	Signature []byte `json:"signature"` // Ed25519 signature
}

type headJSON struct {
	Format    string `json:"format"`
	Seq       int    `json:"seq"`
	Manifest  string `json:"manifest"`
	Key       string `json:"key"`
	Signature string `json:"signature,omitempty"`
}

// SignHead returns the head naming entry seq, whose manifest has the given
// digest, signed with key.
func SignHead(key ed25519.PrivateKey, seq int, manifest string) *Head {
	h := &Head{Seq: seq, Manifest: manifest, Key: KeyID(key.Public().(ed25519.PublicKey))}
	h.Signature = ed25519.Sign(key, h.message())
	return h
}

func (h *Head) message() []byte {
	return canonical(headJSON{Format: HeadFormat, Seq: h.Seq, Manifest: h.Manifest, Key: h.Key})
}

// Marshal returns the canonical encoding of h.
func (h *Head) Marshal() []byte {
	return canonical(headJSON{Format: HeadFormat, Seq: h.Seq, Manifest: h.Manifest, Key: h.Key, Signature: base64.StdEncoding.EncodeToString(h.Signature)})
}

// Verify reports whether h is signed by pub. It returns an error that says
// which key signed h when that is not pub.
func (h *Head) Verify(pub ed25519.PublicKey) error {
	if id := KeyID(pub); h.Key != id {
		return fmt.Errorf("the head says it is signed by key %s, not by the archive's key %s", h.Key, id)
	}
	if !ed25519.Verify(pub, h.message(), h.Signature) {
		return fmt.Errorf("the head's signature does not verify with key %s: the head was altered or forged", KeyID(pub))
	}
	return nil
}

// ParseHead decodes a head, accepting only its canonical encoding. It does
// not check the signature; see Head.Verify.
func ParseHead(b []byte) (*Head, error) {
	if len(b) > maxManifest {
		return nil, fmt.Errorf("head: %d bytes, more than the limit of %d", len(b), maxManifest)
	}
	var w headJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return nil, fmt.Errorf("head: %v", err)
	}
	sig, err := base64.StdEncoding.DecodeString(w.Signature)
	switch {
	case w.Format != HeadFormat:
		return nil, fmt.Errorf("head: format %q, want %q", w.Format, HeadFormat)
	case w.Seq < 0:
		return nil, fmt.Errorf("head: seq %d, want 0 or more", w.Seq)
	case w.Seq == 0 && w.Manifest != "":
		return nil, fmt.Errorf("head: the head of an empty archive names manifest %q", w.Manifest)
	case w.Seq > 0 && !validDigest(w.Manifest):
		return nil, fmt.Errorf("head: manifest %q is not a digest", w.Manifest)
	case !validKeyID(w.Key):
		return nil, fmt.Errorf("head: key %q is not a key ID", w.Key)
	case err != nil || len(sig) != ed25519.SignatureSize:
		return nil, fmt.Errorf("head: signature is not %d bytes in base64", ed25519.SignatureSize)
	}
	h := &Head{Seq: w.Seq, Manifest: w.Manifest, Key: w.Key, Signature: sig}
	if !bytes.Equal(h.Marshal(), b) {
		return nil, fmt.Errorf("head: not in canonical form")
	}
	return h, nil
}
