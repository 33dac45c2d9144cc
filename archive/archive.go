package archive

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gpai-project/gpai"
)

// Archive is a tamper-evident archive of published documents in a Store.
// Its methods may be called concurrently, and several Archives, in this
// process or others, may share a store: writers take the store's lock.
type Archive struct {
	Store Store

	// Key signs the head. Publish, Remove and Init need it; reading and
	// verifying do not.
	Key ed25519.PrivateKey

	// PublicKey, if set, is the key the archive must be signed with. If
	// nil, the archive's own public key (keys/archive.pub) is trusted.
	PublicKey ed25519.PublicKey

	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// New returns an archive in s.
func New(s Store) *Archive { return &Archive{Store: s} }

// A Publication is what Publish stores as a new version.
type Publication struct {
	Kind        string            // document kind, such as "documentation"; required
	Label       string            // version label, such as "1.2"; optional
	Meta        map[string]string // metadata, such as "model"
	Files       map[string][]byte // file contents by slash-separated name; at least one
	RetainUntil time.Time         // the day through which the version must be kept; required
}

// A Version is an entry of the chain, as History and Show return it: a
// published version or a tombstone.
type Version struct {
	Manifest
	Digest    string    // digest of the manifest, "sha256:<hex>"
	RemovedBy int       // for a removed version, the sequence number of its tombstone
	RemovedAt time.Time // for a removed version, when it was removed
}

// Model returns the "model" metadata of v.
func (v *Version) Model() string { return v.Meta["model"] }

// Live reports whether v is a published version not removed.
func (v *Version) Live() bool { return v.Op == OpPublish && v.RemovedBy == 0 }

func (a *Archive) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

func (a *Archive) lock(ctx context.Context) (func(), error) {
	l, ok := a.Store.(Locker)
	if !ok {
		return func() {}, nil
	}
	unlock, err := l.Lock(ctx)
	if err != nil {
		return nil, err
	}
	return func() { unlock() }, nil
}

// Init creates an empty archive signed by a.Key: it writes the public key
// and a signed head naming no version. It returns an error with code
// gpai.ECONFLICT if the store already holds a public key or a head.
func (a *Archive) Init(ctx context.Context) error {
	if a.Key == nil {
		return gpai.Errorf(gpai.EINVALID, "archive: no signing key to create the archive with")
	}
	unlock, err := a.lock(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	for _, key := range []string{PublicKeyKey, HeadKey} {
		if _, err := a.Store.Stat(ctx, key); err == nil {
			return gpai.Errorf(gpai.ECONFLICT, "the archive already exists (it has %s); gpai never replaces its key", key)
		} else if gpai.ErrorCode(err) != gpai.ENOTFOUND {
			return err
		}
	}
	pub := a.Key.Public().(ed25519.PublicKey)
	if err := a.Store.Put(ctx, PublicKeyKey, bytes.NewReader(MarshalPublicKey(pub))); err != nil {
		return fmt.Errorf("write public key: %w", err)
	}
	if err := a.Store.Put(ctx, HeadKey, bytes.NewReader(SignHead(a.Key, 0, "").Marshal())); err != nil {
		return fmt.Errorf("write head: %w", err)
	}
	return nil
}

// publicKey returns the trusted key: a.PublicKey or the archive's.
func (a *Archive) publicKey(ctx context.Context) (ed25519.PublicKey, error) {
	if a.PublicKey != nil {
		return a.PublicKey, nil
	}
	return a.archiveKey(ctx)
}

func (a *Archive) archiveKey(ctx context.Context) (ed25519.PublicKey, error) {
	b, err := a.get(ctx, PublicKeyKey)
	if gpai.ErrorCode(err) == gpai.ENOTFOUND {
		return nil, gpai.Errorf(gpai.ENOTFOUND, "the archive has no public key %s: create the archive with: gpai keys init", PublicKeyKey)
	}
	if err != nil {
		return nil, err
	}
	pub, err := ParsePublicKey(b)
	if err != nil {
		return nil, gpai.Errorf(gpai.EINVALID, "the archive's public key %s is unreadable: %v", PublicKeyKey, err)
	}
	return pub, nil
}

// get reads the value at key whole.
func (a *Archive) get(ctx context.Context, key string) ([]byte, error) {
	rc, err := a.Store.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// chain is the archive as read and checked by load.
type chain struct {
	head     *Head
	versions []*Version // versions[i] has Seq i+1
}

func (c *chain) version(seq int) *Version { return c.versions[seq-1] }

// damaged returns the error of a read or write that found the chain broken.
func damaged(format string, args ...any) error {
	return gpai.Errorf(gpai.ECONFLICT, "the archive does not verify: %s; run gpai verify for the full report", fmt.Sprintf(format, args...))
}

// load reads the head and every manifest, checking the signature and each
// link of the chain but not the objects.
func (a *Archive) load(ctx context.Context) (*chain, error) {
	pub, err := a.publicKey(ctx)
	if err != nil {
		return nil, err
	}
	b, err := a.get(ctx, HeadKey)
	if gpai.ErrorCode(err) == gpai.ENOTFOUND {
		return nil, damaged("the signed head %s is missing", HeadKey)
	}
	if err != nil {
		return nil, err
	}
	head, err := ParseHead(b)
	if err != nil {
		return nil, damaged("%v", err)
	}
	if err := head.Verify(pub); err != nil {
		return nil, damaged("%v", err)
	}
	c := &chain{head: head, versions: make([]*Version, head.Seq)}
	want := head.Manifest
	for seq := head.Seq; seq >= 1; seq-- {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		b, err := a.get(ctx, VersionKey(seq))
		if gpai.ErrorCode(err) == gpai.ENOTFOUND {
			return nil, damaged("version %d is missing (%s)", seq, VersionKey(seq))
		}
		if err != nil {
			return nil, err
		}
		if d := Digest(b); d != want {
			return nil, damaged("the manifest of version %d (%s) was altered or replaced", seq, VersionKey(seq))
		}
		m, err := ParseManifest(b)
		if err != nil {
			return nil, damaged("version %d: %v", seq, err)
		}
		if m.Seq != seq {
			return nil, damaged("%s holds version %d", VersionKey(seq), m.Seq)
		}
		c.versions[seq-1] = &Version{Manifest: *m, Digest: want}
		want = m.Prev
	}
	for _, v := range c.versions {
		if v.Op == OpRemove {
			r := c.version(v.Removes.Seq)
			r.RemovedBy, r.RemovedAt = v.Seq, v.Published
		}
	}
	return c, nil
}

// History returns the entries of the archive, newest first: published
// versions, removed ones marked by RemovedBy, and tombstones. It checks the
// signature and the links of the chain, not the files; it returns an error
// with code gpai.ECONFLICT if they do not verify and gpai.ENOTFOUND if
// there is no archive.
func (a *Archive) History(ctx context.Context) ([]*Version, error) {
	c, err := a.load(ctx)
	if err != nil {
		return nil, err
	}
	vs := slices.Clone(c.versions)
	slices.Reverse(vs)
	return vs, nil
}

// Show returns the entry that ref names: its sequence number ("3"),
// "latest" for the newest live version, or a version label ("1.2", the
// newest live version so labelled). It returns an error with code
// gpai.ENOTFOUND if there is none.
func (a *Archive) Show(ctx context.Context, ref string) (*Version, error) {
	c, err := a.load(ctx)
	if err != nil {
		return nil, err
	}
	return c.find(ref)
}

func (c *chain) find(ref string) (*Version, error) {
	ref = strings.TrimSpace(ref)
	if n, err := strconv.Atoi(ref); err == nil && n > 0 && strings.Trim(ref, "0123456789") == "" {
		if n > len(c.versions) {
			return nil, gpai.Errorf(gpai.ENOTFOUND, "the archive has no version %d (it has %d)", n, len(c.versions))
		}
		return c.version(n), nil
	}
	for i := len(c.versions) - 1; i >= 0; i-- {
		v := c.versions[i]
		if v.Live() && (ref == "latest" || v.Label == ref) {
			return v, nil
		}
	}
	if ref == "latest" {
		return nil, gpai.Errorf(gpai.ENOTFOUND, "the archive has no published version")
	}
	return nil, gpai.Errorf(gpai.ENOTFOUND, "the archive has no version labelled %q", ref)
}

// ReadFile returns the content of the file name of version v, after
// checking it against the manifest. It returns an error with code
// gpai.ENOTFOUND if v has no such file or was removed, and gpai.ECONFLICT
// if the stored content was altered.
func (a *Archive) ReadFile(ctx context.Context, v *Version, name string) ([]byte, error) {
	i := slices.IndexFunc(v.Files, func(f File) bool { return f.Name == name })
	switch {
	case v.Op != OpPublish:
		return nil, gpai.Errorf(gpai.ENOTFOUND, "entry %d is a tombstone and has no files", v.Seq)
	case v.RemovedBy != 0:
		return nil, gpai.Errorf(gpai.ENOTFOUND, "version %d was removed by entry %d on %s", v.Seq, v.RemovedBy, v.RemovedAt.Format(time.DateOnly))
	case i < 0:
		return nil, gpai.Errorf(gpai.ENOTFOUND, "version %d has no file %q (it has %s)", v.Seq, name, strings.Join(v.FileNames(), ", "))
	}
	f := v.Files[i]
	b, err := a.get(ctx, f.Key())
	if gpai.ErrorCode(err) == gpai.ENOTFOUND {
		return nil, damaged("file %s of version %d was removed (%s)", name, v.Seq, f.Key())
	}
	if err != nil {
		return nil, err
	}
	if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != f.SHA256 || int64(len(b)) != f.Size {
		return nil, damaged("file %s of version %d was altered (%s)", name, v.Seq, f.Key())
	}
	return b, nil
}

// FileNames returns the names of m's files, sorted.
func (m *Manifest) FileNames() []string {
	names := make([]string, len(m.Files))
	for i, f := range m.Files {
		names[i] = f.Name
	}
	return names
}

// Publish stores p as a new version and signs the new head with a.Key. If
// the newest live version of the same kind and model holds the same files,
// label, metadata and retention date, Publish stores nothing and returns
// that version with created false. Objects already stored are not written
// again.
//
// Publish returns an error with code gpai.EINVALID for an invalid
// publication or a key that is not the archive's, gpai.ECONFLICT if the
// label is taken by different content or the archive does not verify, and
// gpai.ENOTFOUND if there is no archive.
func (a *Archive) Publish(ctx context.Context, p Publication) (v *Version, created bool, err error) {
	if err := p.validate(); err != nil {
		return nil, false, err
	}
	unlock, err := a.lock(ctx)
	if err != nil {
		return nil, false, err
	}
	defer unlock()
	c, err := a.loadForWrite(ctx)
	if err != nil {
		return nil, false, err
	}
	y, mo, d := p.RetainUntil.Date()
	m := Manifest{
		Seq:         c.head.Seq + 1,
		Prev:        c.head.Manifest,
		Op:          OpPublish,
		Published:   a.now().UTC().Truncate(time.Second),
		Signer:      KeyID(a.Key.Public().(ed25519.PublicKey)),
		Kind:        p.Kind,
		Label:       p.Label,
		Meta:        maps.Clone(p.Meta),
		RetainUntil: time.Date(y, mo, d, 0, 0, 0, 0, time.UTC),
	}
	names := slices.Sorted(maps.Keys(p.Files))
	for _, name := range names {
		sum := sha256.Sum256(p.Files[name])
		m.Files = append(m.Files, File{Name: name, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(p.Files[name]))})
	}
	if i := newestOf(c, &m); i >= 0 && sameContent(c.versions[i], &m) && c.versions[i].Label == m.Label {
		return c.versions[i], false, nil
	}
	if m.Label != "" {
		for _, old := range c.versions {
			if old.Live() && old.Kind == m.Kind && old.Model() == m.Model() && old.Label == m.Label && !sameContent(old, &m) {
				return nil, false, gpai.Errorf(gpai.ECONFLICT, "version label %q is already published as version %d with other content; choose a new label", m.Label, old.Seq)
			}
		}
	}
	for _, f := range m.Files {
		if size, err := a.Store.Stat(ctx, f.Key()); err == nil && size == f.Size {
			continue // stored by an earlier version
		} else if err != nil && gpai.ErrorCode(err) != gpai.ENOTFOUND {
			return nil, false, err
		}
		if err := a.Store.Put(ctx, f.Key(), bytes.NewReader(p.Files[f.Name])); err != nil {
			return nil, false, fmt.Errorf("store %s: %w", f.Name, err)
		}
	}
	v, err = a.commit(ctx, &m)
	if err != nil {
		return nil, false, err
	}
	return v, true, nil
}

// newestOf returns the index in c of the newest live version of m's kind
// and model, or -1.
func newestOf(c *chain, m *Manifest) int {
	for i := len(c.versions) - 1; i >= 0; i-- {
		v := c.versions[i]
		if v.Live() && v.Kind == m.Kind && v.Model() == m.Model() {
			return i
		}
	}
	return -1
}

// sameContent reports whether v holds m's files, metadata and retention
// date.
func sameContent(v *Version, m *Manifest) bool {
	return slices.Equal(v.Files, m.Files) && maps.Equal(v.Meta, m.Meta) && v.RetainUntil.Equal(m.RetainUntil)
}

// Model returns the "model" metadata of m.
func (m *Manifest) Model() string { return m.Meta["model"] }

func (p *Publication) validate() error {
	switch {
	case strings.TrimSpace(p.Kind) == "":
		return gpai.Errorf(gpai.EINVALID, "a publication needs a document kind")
	case len(p.Files) == 0:
		return gpai.Errorf(gpai.EINVALID, "a publication needs at least one file")
	case p.RetainUntil.IsZero():
		return gpai.Errorf(gpai.EINVALID, "a publication needs a retention date (10 years after placing the model on the EU market)")
	}
	for name := range p.Files {
		if err := validName(name); err != nil {
			return gpai.Errorf(gpai.EINVALID, "%v", err)
		}
	}
	for k := range p.Meta {
		if k == "" {
			return gpai.Errorf(gpai.EINVALID, "a metadata key is empty")
		}
	}
	return nil
}

// loadForWrite checks that a.Key may write the archive and loads it.
func (a *Archive) loadForWrite(ctx context.Context) (*chain, error) {
	if a.Key == nil {
		return nil, gpai.Errorf(gpai.EINVALID, "no signing key: writing the archive needs its private key")
	}
	pub, err := a.archiveKey(ctx)
	if err != nil {
		return nil, err
	}
	if id, want := KeyID(a.Key.Public().(ed25519.PublicKey)), KeyID(pub); id != want {
		return nil, gpai.Errorf(gpai.EINVALID, "the signing key %s is not this archive's key %s", id, want)
	}
	if a.PublicKey != nil && !a.PublicKey.Equal(pub) {
		return nil, gpai.Errorf(gpai.EINVALID, "the archive's key %s is not the trusted key %s", KeyID(pub), KeyID(a.PublicKey))
	}
	return a.load(ctx)
}

// commit writes m's manifest, then the head that names it.
func (a *Archive) commit(ctx context.Context, m *Manifest) (*Version, error) {
	b, err := m.Marshal()
	if err != nil {
		return nil, fmt.Errorf("manifest of version %d: %w", m.Seq, err)
	}
	if err := a.Store.Put(ctx, VersionKey(m.Seq), bytes.NewReader(b)); err != nil {
		return nil, fmt.Errorf("write manifest of version %d: %w", m.Seq, err)
	}
	d := Digest(b)
	if err := a.Store.Put(ctx, HeadKey, bytes.NewReader(SignHead(a.Key, m.Seq, d).Marshal())); err != nil {
		return nil, fmt.Errorf("write head: %w", err)
	}
	return &Version{Manifest: *m, Digest: d}, nil
}

// Remove removes the version that ref names (see Show) once its retention
// date has passed: it appends a tombstone to the chain, signs the new head,
// then deletes the version's objects that no live version shares. The
// version's manifest stays, so the chain still verifies. Remove returns
// the tombstone.
//
// Remove returns an error with code gpai.ECONFLICT, naming the date, while
// the version must be retained, or if it was already removed;
// gpai.EINVALID for a tombstone; gpai.ENOTFOUND if there is no such
// version.
func (a *Archive) Remove(ctx context.Context, ref, reason string) (*Version, error) {
	unlock, err := a.lock(ctx)
	if err != nil {
		return nil, err
	}
	defer unlock()
	c, err := a.loadForWrite(ctx)
	if err != nil {
		return nil, err
	}
	v, err := c.find(ref)
	if err != nil {
		return nil, err
	}
	now := a.now().UTC()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	switch {
	case v.Op != OpPublish:
		return nil, gpai.Errorf(gpai.EINVALID, "entry %d is a tombstone; only published versions can be removed", v.Seq)
	case v.RemovedBy != 0:
		return nil, gpai.Errorf(gpai.ECONFLICT, "version %d was already removed by entry %d", v.Seq, v.RemovedBy)
	case !today.After(v.RetainUntil):
		return nil, gpai.Errorf(gpai.ECONFLICT, "version %d must be kept until %s (10 years after the model was placed on the EU market); it can be removed from %s",
			v.Seq, v.RetainUntil.Format(time.DateOnly), v.RetainUntil.AddDate(0, 0, 1).Format(time.DateOnly))
	}
	t := &Manifest{
		Seq:       c.head.Seq + 1,
		Prev:      c.head.Manifest,
		Op:        OpRemove,
		Published: now.Truncate(time.Second),
		Signer:    KeyID(a.Key.Public().(ed25519.PublicKey)),
		Removes:   &Removal{Seq: v.Seq, Manifest: v.Digest},
		Reason:    reason,
	}
	tomb, err := a.commit(ctx, t)
	if err != nil {
		return nil, err
	}
	v.RemovedBy, v.RemovedAt = tomb.Seq, tomb.Published
	keep := liveObjects(c)
	for _, f := range v.Files {
		if !keep[f.Key()] {
			if err := a.Store.Delete(ctx, f.Key()); err != nil {
				return tomb, fmt.Errorf("version %d is removed, but deleting its file %s failed (gpai verify lists what is left): %w", v.Seq, f.Name, err)
			}
		}
	}
	return tomb, nil
}

// liveObjects returns the keys of the objects of c's live versions.
func liveObjects(c *chain) map[string]bool {
	keep := map[string]bool{}
	for _, v := range c.versions {
		if v.Live() {
			for _, f := range v.Files {
				keep[f.Key()] = true
			}
		}
	}
	return keep
}

// Clean removes what interrupted writes and removals left behind: the
// store's temporary values, manifests numbered after the head, and objects
// that no live version references. It returns the keys it removed. It
// returns an error with code gpai.ECONFLICT if the archive does not verify.
func (a *Archive) Clean(ctx context.Context) ([]string, error) {
	unlock, err := a.lock(ctx)
	if err != nil {
		return nil, err
	}
	defer unlock()
	c, err := a.load(ctx)
	if err != nil {
		return nil, err
	}
	if cl, ok := a.Store.(Cleaner); ok {
		if err := cl.Clean(ctx); err != nil {
			return nil, err
		}
	}
	var removed []string
	keys, err := a.Store.List(ctx, "versions/")
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		if seq, ok := parseVersionKey(k); ok && seq > c.head.Seq {
			removed = append(removed, k)
		}
	}
	keep := liveObjects(c)
	keys, err = a.Store.List(ctx, "objects/")
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		if !keep[k] {
			removed = append(removed, k)
		}
	}
	sort.Strings(removed)
	for _, k := range removed {
		if err := a.Store.Delete(ctx, k); err != nil {
			return nil, err
		}
	}
	return removed, nil
}

// parseVersionKey returns the sequence number of a manifest's key.
func parseVersionKey(key string) (int, bool) {
	s, ok := strings.CutPrefix(key, "versions/")
	if !ok {
		return 0, false
	}
	s, ok = strings.CutSuffix(s, ".json")
	if !ok || len(s) != 8 || strings.Trim(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n > 0
}
