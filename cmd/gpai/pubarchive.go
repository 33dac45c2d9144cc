package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gpai-project/gpai/archive"
)

// publicFiles reports whether a file of an archived version of kind is
// meant for the public: the training-content summary, and the copyright
// documents other than the internal policy. The sources (gpai.yaml,
// copyright.yaml, data.yaml) and the Model Documentation Form, which goes
// to the AI Office, authorities and downstream providers only, are not.
func publicFile(kind, name string) bool {
	switch kind {
	case "summary":
		return strings.HasPrefix(name, "summary.")
	case "copyright":
		for _, doc := range []string{"summary", "disclosure", "aup"} {
			if strings.HasPrefix(name, "copyright."+doc+".") {
				return true
			}
		}
	}
	return false
}

// archiveFS is the file system of published documents that gpai serve
// shows when given --archive: for each model, the public files of the
// newest live version of each kind, in a folder named after the model.
// Every file is checked against its manifest, and the chain and its
// signature are verified, when the archive is read; it is read again at
// most every refresh. A damaged archive shows nothing and is logged.
type archiveFS struct {
	a       *archive.Archive
	refresh time.Duration
	logger  *slog.Logger

	mu    sync.Mutex
	read  time.Time
	files map[string][]byte // by path: model/file
}

func newArchiveFS(a *archive.Archive, logger *slog.Logger) *archiveFS {
	return &archiveFS{a: a, refresh: 10 * time.Second, logger: logger}
}

// snapshot returns the current files, reading the archive again if the
// last reading is older than refresh.
func (p *archiveFS) snapshot() map[string][]byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.files != nil && time.Since(p.read) < p.refresh {
		return p.files
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	files, err := publicDocuments(ctx, p.a)
	if err != nil {
		p.logger.Error("published documents: the archive does not verify; none are shown", "err", err)
		files = map[string][]byte{}
	}
	p.files, p.read = files, time.Now()
	return files
}

// publicDocuments reads the public files of the newest live version of
// each model and kind.
func publicDocuments(ctx context.Context, a *archive.Archive) (map[string][]byte, error) {
	versions, err := a.History(ctx) // newest first
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	seen := map[string]bool{}
	for _, v := range versions {
		if !v.Live() || v.Kind == "documentation" {
			continue
		}
		folder := folderName(v.Model())
		if seen[folder+"\x00"+v.Kind] {
			continue
		}
		seen[folder+"\x00"+v.Kind] = true
		for _, name := range v.FileNames() {
			if !publicFile(v.Kind, name) {
				continue
			}
			b, err := a.ReadFile(ctx, v, name)
			if err != nil {
				return nil, err
			}
			files[folder+"/"+name] = b
		}
	}
	return files, nil
}

// folderName turns a model's name into a path element: lower-case letters,
// digits, dots, hyphens and underscores; "model" if nothing is left.
func folderName(model string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(model) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	s := strings.Trim(b.String(), "-.")
	if s == "" {
		return "model"
	}
	return s
}

// Open implements fs.FS.
func (p *archiveFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	files := p.snapshot()
	if b, ok := files[name]; ok {
		return &memFile{info: memInfo{name: path.Base(name), size: int64(len(b))}, r: bytes.NewReader(b)}, nil
	}
	// a folder: "." or a model's
	var entries []fs.DirEntry
	seen := map[string]bool{}
	for p, b := range files {
		rest, ok := strings.CutPrefix(p, name+"/")
		if name == "." {
			rest, ok = p, true
		}
		if !ok {
			continue
		}
		first, _, isDir := strings.Cut(rest, "/")
		if seen[first] {
			continue
		}
		seen[first] = true
		info := memInfo{name: first, size: int64(len(b)), dir: isDir}
		if isDir {
			info.size = 0
		}
		entries = append(entries, fs.FileInfoToDirEntry(info))
	}
	if len(entries) == 0 && name != "." {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return &memDir{info: memInfo{name: path.Base(name), dir: true}, entries: entries}, nil
}

// memInfo is the fs.FileInfo of a file or folder of archiveFS.
type memInfo struct {
	name string
	size int64
	dir  bool
}

func (i memInfo) Name() string       { return i.name }
func (i memInfo) Size() int64        { return i.size }
func (i memInfo) ModTime() time.Time { return time.Time{} }
func (i memInfo) IsDir() bool        { return i.dir }
func (i memInfo) Sys() any           { return nil }
func (i memInfo) Mode() fs.FileMode {
	if i.dir {
		return fs.ModeDir | 0o555
	}
	return 0o444
}

type memFile struct {
	info memInfo
	r    *bytes.Reader
}

func (f *memFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *memFile) Read(b []byte) (int, error) { return f.r.Read(b) }
func (f *memFile) Close() error               { return nil }

type memDir struct {
	info    memInfo
	entries []fs.DirEntry
	off     int
}

func (d *memDir) Stat() (fs.FileInfo, error) { return d.info, nil }
func (d *memDir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.info.name, Err: errors.New("is a directory")}
}
func (d *memDir) Close() error { return nil }

// ReadDir implements fs.ReadDirFile.
func (d *memDir) ReadDir(n int) ([]fs.DirEntry, error) {
	rest := d.entries[d.off:]
	if n <= 0 {
		d.off = len(d.entries)
		return rest, nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	rest = rest[:min(n, len(rest))]
	d.off += len(rest)
	return rest, nil
}
