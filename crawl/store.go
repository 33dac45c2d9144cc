package crawl

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Names in the crawl directory.
const (
	JournalFile = "journal.jsonl"
	LedgerFile  = "ledger.jsonl"
	ContentDir  = "warc"      // WARC files of the content
	RobotsDir   = "robotstxt" // WARC files of the robots.txt and tdmrep.json captures
	lockName    = "lock"
	openSuffix  = ".open"
	warcSuffix  = ".warc.gz"
)

var errLocked = errors.New("another crawler is running in this directory")

// Streams of WARC records.
const (
	streamContent = iota
	streamRobots
	nStreams
)

var streamDirs = [nStreams]string{ContentDir, RobotsDir}

// store owns the files of a crawl directory. It is used by one goroutine.
type store struct {
	dir      string
	prefix   string
	segLimit int64
	now      func() time.Time
	// warcinfo returns the encoded warcinfo record that begins a new WARC
	// file.
	warcinfo func(name string) ([]byte, error)

	lock    *os.File
	journal *os.File
	ledger  *os.File
	ledgerN int64
	events  bytes.Buffer // journal events not yet committed
	dirty   bool
	commits int64
	seq     int
	streams [nStreams]segment
	known   map[string]bool // WARC files named by a commit
}

type segment struct {
	f    *os.File
	name string // relative, without openSuffix
	size int64
}

// openStore opens the crawl directory dir, creating it if need be, takes
// its lock, and brings its files back to the last commit.
func openStore(dir, prefix string, segLimit int64, now func() time.Time) (*store, *State, error) {
	s := &store{dir: dir, prefix: prefix, segLimit: segLimit, now: now}
	for _, d := range append([]string{""}, streamDirs[:]...) {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return nil, nil, fmt.Errorf("crawl: %w", err)
		}
	}
	lock, err := os.OpenFile(filepath.Join(dir, lockName), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, nil, fmt.Errorf("crawl: %w", err)
	}
	if err := lockFile(lock); err != nil {
		lock.Close()
		return nil, nil, fmt.Errorf("crawl: lock %s: %w", dir, err)
	}
	s.lock = lock
	st, err := s.recover()
	if err != nil {
		s.closeFiles()
		return nil, nil, err
	}
	return s, st, nil
}

// recover reads the journal and cuts every file back to the last commit.
func (s *store) recover() (*State, error) {
	var err error
	if s.journal, err = os.OpenFile(filepath.Join(s.dir, JournalFile), os.O_RDWR|os.O_CREATE, 0o644); err != nil {
		return nil, fmt.Errorf("crawl: %w", err)
	}
	st, err := ReadJournal(s.journal)
	if err != nil {
		return nil, err
	}
	s.commits = st.Commits
	if err := truncate(s.journal, st.Size); err != nil {
		return nil, fmt.Errorf("crawl: journal: %w", err)
	}
	if s.ledger, err = os.OpenFile(filepath.Join(s.dir, LedgerFile), os.O_RDWR|os.O_CREATE, 0o644); err != nil {
		return nil, fmt.Errorf("crawl: %w", err)
	}
	if fi, err := s.ledger.Stat(); err != nil {
		return nil, fmt.Errorf("crawl: %w", err)
	} else if fi.Size() < st.LedgerSize {
		return nil, fmt.Errorf("crawl: %s is %d bytes, shorter than the %d the journal committed", LedgerFile, fi.Size(), st.LedgerSize)
	}
	if err := truncate(s.ledger, st.LedgerSize); err != nil {
		return nil, fmt.Errorf("crawl: ledger: %w", err)
	}
	s.ledgerN = st.LedgerSize
	// Finalise the committed WARC files, cut to their committed size.
	for name, size := range st.Files {
		if err := finalise(filepath.Join(s.dir, filepath.FromSlash(name)), size); err != nil {
			return nil, fmt.Errorf("crawl: %w", err)
		}
	}
	// Delete the files no commit names: their records were not committed.
	for _, d := range streamDirs {
		ents, err := os.ReadDir(filepath.Join(s.dir, d))
		if err != nil {
			return nil, fmt.Errorf("crawl: %w", err)
		}
		for _, e := range ents {
			if strings.HasSuffix(e.Name(), openSuffix) {
				if err := os.Remove(filepath.Join(s.dir, d, e.Name())); err != nil {
					return nil, fmt.Errorf("crawl: %w", err)
				}
			}
		}
		if err := syncDir(filepath.Join(s.dir, d)); err != nil {
			return nil, err
		}
	}
	s.seq = len(st.Files)
	s.known = map[string]bool{}
	for name := range st.Files {
		s.known[name] = true
	}
	return st, nil
}

// finalise cuts the WARC file p (or p+".open") to size and gives it its
// final name.
func finalise(p string, size int64) error {
	src := p + openSuffix
	if _, err := os.Stat(src); err != nil {
		src = p
	}
	f, err := os.OpenFile(src, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("a committed WARC file is missing: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if fi.Size() < size {
		return fmt.Errorf("%s is %d bytes, shorter than the %d committed", src, fi.Size(), size)
	}
	if fi.Size() > size {
		if err := f.Truncate(size); err != nil {
			return err
		}
		if err := f.Sync(); err != nil {
			return err
		}
	}
	if src != p {
		if err := os.Rename(src, p); err != nil {
			return err
		}
		return syncDir(filepath.Dir(p))
	}
	return nil
}

func truncate(f *os.File, size int64) error {
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if fi.Size() != size {
		if err := f.Truncate(size); err != nil {
			return err
		}
		if err := f.Sync(); err != nil {
			return err
		}
	}
	_, err = f.Seek(size, io.SeekStart)
	return err
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("crawl: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return fmt.Errorf("crawl: sync %s: %w", dir, err)
	}
	return nil
}

// write appends encoded WARC records to the stream's current file, begun
// if need be, and returns the file's name and the offset of data in it.
func (s *store) write(stream int, data []byte) (string, int64, error) {
	seg := &s.streams[stream]
	if seg.f == nil {
		if err := s.begin(stream); err != nil {
			return "", 0, err
		}
	}
	off := seg.size
	n, err := seg.f.Write(data)
	seg.size += int64(n)
	s.dirty = true
	if err != nil {
		return "", 0, fmt.Errorf("crawl: write %s: %w", seg.name, err)
	}
	return seg.name, off, nil
}

// begin creates a new WARC file for the stream and writes its warcinfo
// record.
func (s *store) begin(stream int) error {
	seg := &s.streams[stream]
	stamp := s.now().UTC().Format("20060102150405")
	for {
		name := path.Join(streamDirs[stream], fmt.Sprintf("%s-%s-%05d%s", s.prefix, stamp, s.seq, warcSuffix))
		s.seq++
		p := filepath.Join(s.dir, filepath.FromSlash(name))
		if _, err := os.Stat(p); err == nil {
			continue
		}
		f, err := os.OpenFile(p+openSuffix, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("crawl: %w", err)
		}
		*seg = segment{f: f, name: name}
		break
	}
	if err := syncDir(filepath.Join(s.dir, streamDirs[stream])); err != nil {
		return err
	}
	info, err := s.warcinfo(path.Base(seg.name))
	if err != nil {
		return err
	}
	n, err := seg.f.Write(info)
	seg.size += int64(n)
	s.dirty = true
	if err != nil {
		return fmt.Errorf("crawl: write %s: %w", seg.name, err)
	}
	return nil
}

// log appends an entry to the ledger.
func (s *store) log(e *Entry) error {
	b, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("crawl: ledger: %w", err)
	}
	b = append(b, '\n')
	n, err := s.ledger.Write(b)
	s.ledgerN += int64(n)
	s.dirty = true
	if err != nil {
		return fmt.Errorf("crawl: write ledger: %w", err)
	}
	return nil
}

// event adds an event to the batch in progress.
func (s *store) event(e event) {
	b, _ := json.Marshal(e)
	s.events.Write(b)
	s.events.WriteByte('\n')
	s.dirty = true
}

// commit makes the batch in progress durable: it syncs the WARC files and
// the ledger, then appends the batch's events and a commit event to the
// journal and syncs it. Files past the size limit are then finalised.
func (s *store) commit() error {
	if !s.dirty {
		return nil
	}
	ev := event{E: evCommit, N: s.commits + 1, L: s.ledgerN, T: s.now().UTC()}
	for i := range s.streams {
		seg := &s.streams[i]
		if seg.f == nil {
			continue
		}
		if err := seg.f.Sync(); err != nil {
			return fmt.Errorf("crawl: sync %s: %w", seg.name, err)
		}
		ev.S = append(ev.S, segSize{Name: seg.name, Size: seg.size})
		s.known[seg.name] = true
	}
	if err := s.ledger.Sync(); err != nil {
		return fmt.Errorf("crawl: sync ledger: %w", err)
	}
	s.event(ev)
	if _, err := s.journal.Write(s.events.Bytes()); err != nil {
		return fmt.Errorf("crawl: write journal: %w", err)
	}
	if err := s.journal.Sync(); err != nil {
		return fmt.Errorf("crawl: sync journal: %w", err)
	}
	s.events.Reset()
	s.dirty = false
	s.commits++
	for i := range s.streams {
		if seg := &s.streams[i]; seg.f != nil && seg.size >= s.segLimit {
			if err := s.seal(i); err != nil {
				return err
			}
		}
	}
	return nil
}

// seal closes the stream's current file and gives it its final name. The
// file must be committed.
func (s *store) seal(stream int) error {
	seg := &s.streams[stream]
	if err := seg.f.Close(); err != nil {
		return fmt.Errorf("crawl: close %s: %w", seg.name, err)
	}
	p := filepath.Join(s.dir, filepath.FromSlash(seg.name))
	*seg = segment{}
	if err := os.Rename(p+openSuffix, p); err != nil {
		return fmt.Errorf("crawl: %w", err)
	}
	return syncDir(filepath.Dir(p))
}

// files returns the names of the committed WARC files, sorted.
func (s *store) files() []string {
	out := make([]string, 0, len(s.known))
	for name := range s.known {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// close commits, finalises the WARC files and releases the directory.
func (s *store) close() error {
	err := s.commit()
	for i := range s.streams {
		if s.streams[i].f != nil && err == nil {
			err = s.seal(i)
		}
	}
	if cerr := s.closeFiles(); err == nil {
		err = cerr
	}
	return err
}

// closeFiles closes every file without committing; what was not committed
// is cut off when the directory is opened again.
func (s *store) closeFiles() error {
	var err error
	for i := range s.streams {
		if f := s.streams[i].f; f != nil {
			f.Close()
			s.streams[i].f = nil
		}
	}
	for _, f := range []*os.File{s.ledger, s.journal, s.lock} {
		if f != nil {
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
	}
	s.ledger, s.journal, s.lock = nil, nil, nil
	return err
}
