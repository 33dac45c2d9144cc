// Package ccparquet reads the columns that crawl statistics need from
// Parquet files in the layout of Common Crawl's columnar URL index
// (cc-index-table, https://github.com/commoncrawl/cc-index-table):
// url_host_name, url_host_private_domain (if present), warc_record_length
// and fetch_time.
//
// Only those column chunks are read and decoded. A row group is read
// with a RowGroupReader, so that row groups can be read in parallel:
//
//	f, err := ccparquet.Open(r, size)
//	for i := range f.NumRowGroups() {
//		rg := f.RowGroup(i)
//		for rg.Next() {
//			row := rg.Row() // valid until the next call to Next
//		}
//		if err := rg.Err(); err != nil { ... }
//	}
//
// A caller that aggregates millions of rows reads them a Batch at a time
// instead, column by column, and the hosts only if it needs them:
//
//	for rg.NextBatch() {
//		b := rg.Batch() // valid until the next call to NextBatch
//		hosts := rg.Hosts() // may shorten b; nil on error
//		for i, n := range b.Length {
//			... hosts.ID[i], b.Domain.ID[i], b.Unix[i] ...
//		}
//	}
package ccparquet

import (
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/format"
)

// The columns that are read. ColumnDomain is optional.
const (
	ColumnHost      = "url_host_name"
	ColumnDomain    = "url_host_private_domain"
	ColumnLength    = "warc_record_length"
	ColumnFetchTime = "fetch_time"
)

// ErrSchema is wrapped by the error Open returns for a Parquet file that
// lacks a column of the columnar index, or has one of an unexpected type.
var ErrSchema = errors.New("not a Common Crawl columnar index")

// File is an open Parquet file in the columnar index's layout.
type File struct {
	f                     *parquet.File
	host, length, fetch   int // leaf column indexes
	timeUnit              int64
	hostMaxDef, lenMaxDef int
	timeMaxDef            int
	lenKind, timeKind     parquet.Kind
	domain, domMaxDef     int // domain is -1 without the column
}

// Open opens the Parquet file of the given size read through r and checks
// that it has the columns url_host_name (string), warc_record_length
// (integer) and fetch_time (timestamp). The column
// url_host_private_domain (string) is read too if the file has it.
func Open(r io.ReaderAt, size int64) (f *File, err error) {
	defer recoverError(&err)
	pf, err := parquet.OpenFile(r, size, parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		return nil, fmt.Errorf("ccparquet: %w", err)
	}
	f = &File{f: pf}
	root := pf.Root()
	col := func(name string, kinds ...parquet.Kind) (*parquet.Column, error) {
		c := root.Column(name)
		if c == nil {
			return nil, fmt.Errorf("ccparquet: no column %q: %w", name, ErrSchema)
		}
		if !c.Leaf() || c.Repeated() {
			return nil, fmt.Errorf("ccparquet: column %q is not a flat column: %w", name, ErrSchema)
		}
		k := c.Type().Kind()
		for _, want := range kinds {
			if k == want {
				return c, nil
			}
		}
		return nil, fmt.Errorf("ccparquet: column %q has type %s: %w", name, c.Type(), ErrSchema)
	}
	c, err := col(ColumnHost, parquet.ByteArray)
	if err != nil {
		return nil, err
	}
	f.host, f.hostMaxDef = c.Index(), c.MaxDefinitionLevel()
	f.domain = -1
	if root.Column(ColumnDomain) != nil {
		c, err = col(ColumnDomain, parquet.ByteArray)
		if err != nil {
			return nil, err
		}
		f.domain, f.domMaxDef = c.Index(), c.MaxDefinitionLevel()
	}
	c, err = col(ColumnLength, parquet.Int32, parquet.Int64)
	if err != nil {
		return nil, err
	}
	f.length, f.lenMaxDef, f.lenKind = c.Index(), c.MaxDefinitionLevel(), c.Type().Kind()
	c, err = col(ColumnFetchTime, parquet.Int64, parquet.Int96)
	if err != nil {
		return nil, err
	}
	f.fetch, f.timeMaxDef, f.timeKind = c.Index(), c.MaxDefinitionLevel(), c.Type().Kind()
	f.timeUnit = 1000 // milliseconds, Common Crawl's unit
	if lt := c.Type().LogicalType(); lt != nil {
		if ts, ok := lt.Value.(*format.TimestampType); ok {
			switch ts.Unit.Value.(type) {
			case *format.MicroSeconds:
				f.timeUnit = 1e6
			case *format.NanoSeconds:
				f.timeUnit = 1e9
			}
		}
	} else if ct := c.Type().ConvertedType(); ct != nil && *ct == deprecated.TimestampMicros {
		f.timeUnit = 1e6
	}
	if c.Type().Kind() == parquet.Int96 {
		f.timeUnit = 0 // Julian day and nanoseconds
	}
	return f, nil
}

// NumRows returns the number of rows in the file.
func (f *File) NumRows() int64 { return f.f.NumRows() }

// NumRowGroups returns the number of row groups in the file.
func (f *File) NumRowGroups() int { return len(f.f.RowGroups()) }

// RowGroupNumRows returns the number of rows in row group i.
func (f *File) RowGroupNumRows(i int) int64 { return f.f.RowGroups()[i].NumRows() }

// Row holds the columns of one row that statistics need.
type Row struct {
	// Host is url_host_name, or nil if it is NULL. It is valid until the
	// next call to Next.
	Host []byte
	// HostID identifies Host within the row group: rows with equal HostID
	// (other than -1) have equal Host. It is the index in the column
	// chunk's dictionary, or -1 if the page is not dictionary-encoded.
	HostID int32
	// Domain is url_host_private_domain, the host's registered domain
	// under the full Public Suffix List as Common Crawl computed it, or
	// nil if it is NULL (as for IP addresses) or the file lacks the
	// column. DomainID identifies it as HostID does Host.
	Domain   []byte
	DomainID int32
	// Length is warc_record_length, or -1 if it is NULL.
	Length int64
	// Unix is fetch_time in seconds since 1970-01-01 UTC; HasTime is
	// false (and Unix 0) if it is NULL.
	Unix    int64
	HasTime bool
}

// NoTime is the Unix time in a Batch of a row whose fetch_time is NULL.
// No fetch_time converts to it.
const NoTime = math.MinInt64

// A Batch holds consecutive rows of a row group column by column. A
// caller that aggregates many rows loops over each column's values, at a
// small fraction of the cost per row of Next and Row. A batch never spans
// a page of the columns read, so that its values come straight from the
// decoded pages, and holds at most maxBatch rows, so that they are still
// in the CPU's cache when the caller reads them.
//
// The hosts of a batch are read only if asked for, with
// RowGroupReader.Hosts: a caller that takes the registered domain from
// Domain needs them only where it is NULL (and for its reports of
// malformed rows), and HostsFull may tell that no host is missing without
// reading any. In Common Crawl's files the host column is a fifth of the
// bytes to decompress and decode.
type Batch struct {
	// Row is the number within the row group of the batch's first row.
	Row int64
	// Len is the number of rows, and the length of each column's slice.
	Len int
	// Domain is url_host_private_domain; every row of it is NULL if the
	// file lacks the column.
	Domain Strings
	// Length is warc_record_length, -1 where it is NULL.
	Length []int64
	// Unix is fetch_time in seconds since 1970-01-01 UTC, NoTime where it
	// is NULL.
	Unix []int64
}

// maxBatch bounds the rows of a Batch: 4096 rows take 100 KB, which
// stay in the CPU's cache. Larger or smaller batches made no measurable
// difference on the benchmark file.
const maxBatch = 4096

// Strings holds a string column of a Batch: for each row, the index of
// its value in a table.
type Strings struct {
	// ID holds each row's index in the table (see Value), or -1 where the
	// row is NULL. It must not be modified.
	ID []int32
	// Dict reports whether the table is the column chunk's dictionary,
	// the same in every batch of the row group: IDs then identify values
	// across batches, as Row's HostID and DomainID do, and a caller can
	// keep what it derives from a value by ID for the whole row group.
	// Otherwise the table holds the values of one page, in row order, and
	// IDs are valid in this batch only.
	Dict bool
	// Full reports that no row is NULL or the empty string, so that a
	// caller who treats those apart need not check each row.
	Full bool

	data    []byte
	offsets []uint32 // value i is data[offsets[i]:offsets[i+1]]
}

// Value returns the table's value id, an ID of the batch other than -1.
// It is valid as long as the batch.
func (s *Strings) Value(id int32) []byte { return s.data[s.offsets[id]:s.offsets[id+1]] }

// NumValues returns the number of values in the table: IDs are below it.
func (s *Strings) NumValues() int { return max(len(s.offsets)-1, 0) }

// row returns row k's value (nil if NULL) and dictionary index (or -1).
func (s *Strings) row(k int) ([]byte, int32) {
	id := s.ID[k]
	if id < 0 {
		return nil, -1
	}
	v := s.Value(id)
	if !s.Dict {
		id = -1
	}
	return v, id
}

// RowGroupReader reads the rows of one row group, one at a time with Next
// or a batch at a time with NextBatch; use one of them only. It follows
// the contract of bufio.Scanner: call Next or NextBatch until it returns
// false, then Err.
type RowGroupReader struct {
	f                  *File
	n, i               int64 // rows in the group, rows read into batches
	host, length, time column
	domain             column
	hostsFull          bool
	b                  Batch
	hosts              Strings // of b
	hostsRead          bool    // hosts holds b's hosts
	k                  int     // the next row of b for Next
	row                Row
	err                error

	// scratch space of the batches
	hostIDs, domainIDs, nulls []int32
	lengths, times            []int64
}

// RowGroup returns a reader of row group i. Readers of different row
// groups may be used concurrently.
func (f *File) RowGroup(i int) (r *RowGroupReader) {
	defer func() {
		if v := recover(); v != nil {
			r = &RowGroupReader{err: fmt.Errorf("ccparquet: corrupt file: %v", v)}
		}
	}()
	rg := f.f.RowGroups()[i]
	cc := rg.ColumnChunks()
	r = &RowGroupReader{
		f:      f,
		n:      rg.NumRows(),
		host:   column{pages: cc[f.host].Pages(), maxDef: f.hostMaxDef, name: ColumnHost, kind: parquet.ByteArray},
		length: column{pages: cc[f.length].Pages(), maxDef: f.lenMaxDef, name: ColumnLength, kind: f.lenKind},
		time:   column{pages: cc[f.fetch].Pages(), maxDef: f.timeMaxDef, name: ColumnFetchTime, kind: f.timeKind},
	}
	if f.domain >= 0 {
		r.domain = column{pages: cc[f.domain].Pages(), maxDef: f.domMaxDef, name: ColumnDomain, kind: parquet.ByteArray}
	}
	// The empty string is the least of strings: a minimum that is not
	// empty rules it out.
	st := &f.f.Metadata().RowGroups[i].Columns[f.host].MetaData.Statistics
	r.hostsFull = f.hostMaxDef == 0 && (len(st.MinValue) > 0 || len(st.Min) > 0)
	return r
}

// NumRows returns the number of rows in the row group.
func (r *RowGroupReader) NumRows() int64 { return r.n }

// HostsFull reports whether no url_host_name of the row group is NULL or
// empty, as the schema (the column is required) and the column chunk's
// statistics (its least value is not empty) tell without reading it.
func (r *RowGroupReader) HostsFull() bool { return r.hostsFull }

// Next advances to the next row and reports whether there is one.
func (r *RowGroupReader) Next() bool {
	if r.k >= r.b.Len && !r.next(true) {
		return false
	}
	b, k, x := &r.b, r.k, &r.row
	r.k++
	x.Host, x.HostID = r.hosts.row(k)
	x.Domain, x.DomainID = b.Domain.row(k)
	x.Length = b.Length[k]
	x.Unix, x.HasTime = b.Unix[k], b.Unix[k] != NoTime
	if !x.HasTime {
		x.Unix = 0
	}
	return true
}

// Row returns the current row. It is valid until the next call to Next.
func (r *RowGroupReader) Row() *Row { return &r.row }

// NextBatch advances to the next batch of rows and reports whether there
// is one.
func (r *RowGroupReader) NextBatch() bool { return r.next(false) }

// Batch returns the current batch. It is valid until the next call to
// NextBatch.
func (r *RowGroupReader) Batch() *Batch { return &r.b }

// Hosts returns url_host_name for the rows of the current batch. It may
// shorten the batch to the end of a page of the host column, leaving the
// rest of its rows to the next batch: Len and the slices of the Batch
// are then shorter. Hosts returns nil if the column cannot be read;
// NextBatch then returns false and Err reports why.
func (r *RowGroupReader) Hosts() *Strings {
	if !r.hostsRead {
		if r.b.Len == 0 {
			return nil
		}
		if err := r.readHosts(); err != nil {
			r.fail(err)
			return nil
		}
	}
	return &r.hosts
}

// Err returns the first error met, or nil at the end of the row group.
func (r *RowGroupReader) Err() error { return r.err }

// recoverError turns a panic into an error stored in *err. The Parquet
// library panics on some corrupt inputs.
func recoverError(err *error) {
	if v := recover(); v != nil {
		*err = fmt.Errorf("ccparquet: corrupt file: %v", v)
	}
}

// next reads the next batch, with its hosts if hosts is set.
func (r *RowGroupReader) next(hosts bool) bool {
	r.b.Len, r.k, r.hostsRead = 0, 0, false
	if r.err != nil || r.i >= r.n {
		r.close()
		return false
	}
	if err := r.batch(hosts); err != nil {
		r.fail(err)
		return false
	}
	return true
}

func (r *RowGroupReader) fail(err error) {
	r.err = err
	r.b.Len, r.hostsRead = 0, false
	r.close()
}

// batch reads the next batch: up to the end of the first page to end
// among the columns read.
func (r *RowGroupReader) batch(hosts bool) (err error) {
	defer recoverError(&err)
	n := int(min(r.n-r.i, maxBatch))
	if r.hostIDs == nil {
		ids, v := make([]int32, 3*n), make([]int64, 2*n)
		r.hostIDs, r.domainIDs, r.nulls = ids[:n], ids[n:2*n], ids[2*n:]
		r.lengths, r.times = v[:n], v[n:]
		for k := range r.nulls {
			r.nulls[k] = -1
		}
	}
	cols := []*column{&r.host, &r.domain, &r.length, &r.time}
	if !hosts {
		cols = cols[1:]
	}
	for _, c := range cols {
		if c.pages == nil {
			continue
		}
		if err := c.ready(); err != nil {
			return err
		}
		n = min(n, c.rows-c.row)
	}
	b := &r.b
	b.Row, b.Len = r.i, n
	r.i += int64(n)
	if r.domain.pages != nil {
		r.domain.strings(&b.Domain, r.domainIDs[:n])
	} else {
		b.Domain = Strings{ID: r.nulls[:n]}
	}
	b.Length = r.length.ints(r.lengths[:n], -1, 1)
	b.Unix = r.time.ints(r.times[:n], NoTime, r.f.timeUnit)
	if hosts {
		r.host.strings(&r.hosts, r.hostIDs[:n])
		r.hostsRead = true
	}
	return nil
}

// readHosts reads the hosts of the current batch, skipping those of the
// batches before whose hosts were not asked for.
func (r *RowGroupReader) readHosts() (err error) {
	defer recoverError(&err)
	c, b := &r.host, &r.b
	if err := c.skip(b.Row - c.at); err != nil {
		return err
	}
	if err := c.ready(); err != nil {
		return err
	}
	if m := c.rows - c.row; m < b.Len {
		// the other columns' values of the rows cut off stay in their
		// pages, to be read again
		d := b.Len - m
		for _, c := range [...]*column{&r.domain, &r.length, &r.time} {
			if c.pages != nil {
				c.rewind(d)
			}
		}
		r.i -= int64(d)
		b.Len = m
		b.Domain.ID, b.Length, b.Unix = b.Domain.ID[:m], b.Length[:m], b.Unix[:m]
	}
	c.strings(&r.hosts, r.hostIDs[:b.Len])
	r.hostsRead = true
	return nil
}

func (r *RowGroupReader) close() {
	defer func() { recover() }()
	for _, c := range []*column{&r.host, &r.domain, &r.length, &r.time} {
		c.release()
		if c.pages != nil {
			c.pages.Close()
			c.pages = nil
		}
	}
}

// column reads the pages of one column chunk.
type column struct {
	name   string
	kind   parquet.Kind // of the column
	pages  parquet.Pages
	page   parquet.Page
	maxDef int
	def    []byte // definition levels of the page, nil if the column is required
	row    int    // next row in the page
	rows   int    // rows in the page
	nv     int    // non-null values before row
	at     int64  // the row's number in the row group
	nulls  int    // NULL values in the page

	dict bool    // the page is dictionary-encoded
	idx  []int32 // its dictionary indexes
	// the values: the dictionary's if dict, else the page's
	data    []byte
	offsets []uint32
	i32     []int32
	i64     []int64
	i96     []deprecated.Int96
	empty   bool // some string value is empty

	dictChecked bool // the dictionary's strings were checked
	dictEmpty   bool // it has an empty string
}

// nextPage moves the cursor to the next page and checks that the page's
// values are those of the column's type and cover its rows: the batches
// then index them without further checks.
func (c *column) nextPage() (err error) {
	defer recoverError(&err)
	c.release()
	p, err := c.pages.ReadPage()
	if err != nil {
		if err == io.EOF {
			return fmt.Errorf("%s: %w", c.name, io.ErrUnexpectedEOF)
		}
		return fmt.Errorf("%s: %w", c.name, err)
	}
	c.page = p
	c.rows = int(p.NumValues())
	c.row, c.nv = 0, 0
	if c.rows < 0 || c.rows > math.MaxInt32 {
		return fmt.Errorf("%s: %d values in a page", c.name, c.rows)
	}
	c.def, c.nulls = nil, 0
	if c.maxDef > 0 {
		c.def = p.DefinitionLevels()
		if len(c.def) < c.rows {
			return fmt.Errorf("%s: %d definition levels for %d values", c.name, len(c.def), c.rows)
		}
		c.def = c.def[:c.rows]
		c.nulls = c.rows - countNonNull(c.def, c.maxDef)
	}
	nonNull := c.rows - c.nulls
	data := p.Data()
	c.dict, c.idx = false, nil
	c.data, c.offsets, c.i32, c.i64, c.i96 = nil, nil, nil, nil, nil
	kind, n := p.Type().Kind(), 0
	if d := p.Dictionary(); d != nil {
		c.dict, c.idx = true, data.Int32()
		data, kind = d.Page().Data(), d.Type().Kind()
	}
	switch kind {
	case parquet.ByteArray:
		c.data, c.offsets = data.ByteArray()
		n = max(len(c.offsets)-1, 0)
	case parquet.Int32:
		c.i32 = data.Int32()
		n = len(c.i32)
	case parquet.Int64:
		c.i64 = data.Int64()
		n = len(c.i64)
	case parquet.Int96:
		if !c.dict {
			c.i96 = data.Int96()
			n = len(c.i96)
		}
	}
	if kind != c.kind || kind == parquet.Int96 && c.i96 == nil {
		return fmt.Errorf("%s: unsupported page type %s", c.name, p.Type())
	}
	if c.dict {
		if len(c.idx) < nonNull {
			return fmt.Errorf("%s: %d values for %d rows", c.name, len(c.idx), nonNull)
		}
		for _, id := range c.idx[:nonNull] {
			if uint32(id) >= uint32(n) {
				return fmt.Errorf("%s: dictionary index %d out of range", c.name, id)
			}
		}
	} else if n < nonNull {
		return fmt.Errorf("%s: %d values for %d rows", c.name, n, nonNull)
	}
	if kind == parquet.ByteArray {
		if c.data == nil {
			c.data = []byte{} // non-NULL values are not nil
		}
		if !c.dict || !c.dictChecked {
			if c.empty, err = checkStrings(c.data, c.offsets); err != nil {
				return fmt.Errorf("%s: %w", c.name, err)
			}
			if c.dict {
				c.dictChecked, c.dictEmpty = true, c.empty
			}
		}
		if c.dict {
			c.empty = c.dictEmpty
		}
	}
	return nil
}

// ready makes sure that the cursor is on a page with rows left.
func (c *column) ready() error {
	for c.row >= c.rows {
		if err := c.nextPage(); err != nil {
			return fmt.Errorf("ccparquet: row %d: %w", c.at, err)
		}
	}
	return nil
}

// skip moves the cursor n rows on.
func (c *column) skip(n int64) error {
	for n > 0 {
		if err := c.ready(); err != nil {
			return err
		}
		k := int(min(n, int64(c.rows-c.row)))
		c.nv += c.nonNull(k)
		c.row += k
		c.at += int64(k)
		n -= int64(k)
	}
	return nil
}

// rewind moves the cursor n rows back, within its page.
func (c *column) rewind(n int) {
	c.row -= n
	c.at -= int64(n)
	c.nv -= c.nonNull(n)
}

// checkStrings checks the offsets of byte array values and reports
// whether one of them is empty.
func checkStrings(data []byte, offsets []uint32) (empty bool, err error) {
	for i := 1; i < len(offsets); i++ {
		if offsets[i] < offsets[i-1] {
			return false, errors.New("corrupt string offsets")
		}
		empty = empty || offsets[i] == offsets[i-1]
	}
	if n := len(offsets); n > 0 && int(offsets[n-1]) > len(data) {
		return false, errors.New("corrupt string offsets")
	}
	return empty, nil
}

// nonNull returns the number of non-NULL values among the next n rows.
func (c *column) nonNull(n int) int {
	if c.nulls == 0 {
		return n
	}
	return countNonNull(c.def[c.row:c.row+n], c.maxDef)
}

// countNonNull returns the number of definition levels that mark a value
// as not NULL.
func countNonNull(def []byte, maxDef int) int {
	m := 0
	for _, d := range def {
		if int(d) >= maxDef {
			m++
		}
	}
	return m
}

// strings reads the next len(ids) rows of a string column into s, with
// ids as scratch space.
func (c *column) strings(s *Strings, ids []int32) {
	n := len(ids)
	m := c.nonNull(n)
	*s = Strings{Dict: c.dict, Full: m == n && !c.empty, data: c.data, offsets: c.offsets}
	switch {
	case c.dict && m == n:
		ids = c.idx[c.nv : c.nv+n : c.nv+n]
	case c.dict:
		copy(ids, c.idx[c.nv:c.nv+m])
	default:
		for k := range ids[:m] {
			ids[k] = int32(c.nv + k)
		}
	}
	if m < n {
		spread(ids, m, c.def[c.row:c.row+n], c.maxDef, -1)
	}
	c.row += n
	c.nv += m
	c.at += int64(n)
	s.ID = ids
}

// ints reads the next len(v) rows of an integer column into v, with null
// for NULL, and returns v. The values are divided by unit if it is 1000,
// 1e6 or 1e9 (a time's unit per second).
func (c *column) ints(v []int64, null, unit int64) []int64 {
	n := len(v)
	m := c.nonNull(n)
	j := c.nv
	switch {
	case c.dict && c.kind == parquet.Int32:
		for k, id := range c.idx[j : j+m] {
			v[k] = int64(c.i32[id])
		}
	case c.dict:
		for k, id := range c.idx[j : j+m] {
			v[k] = c.i64[id]
		}
	case c.kind == parquet.Int32:
		for k, x := range c.i32[j : j+m] {
			v[k] = int64(x)
		}
	case c.kind == parquet.Int64:
		copy(v, c.i64[j:j+m])
	default:
		for k, x := range c.i96[j : j+m] {
			// nanoseconds of the day, then the Julian day number
			nanos := int64(uint64(x[1])<<32 | uint64(x[0]))
			v[k] = (int64(x[2])-2440588)*86400 + nanos/1e9
		}
	}
	// constant divisors compile to multiplications
	switch w := v[:m]; unit {
	case 1000:
		for k := range w {
			w[k] /= 1000
		}
	case 1e6:
		for k := range w {
			w[k] /= 1e6
		}
	case 1e9:
		for k := range w {
			w[k] /= 1e9
		}
	}
	if m < n {
		spread(v, m, c.def[c.row:c.row+n], c.maxDef, null)
	}
	c.row += n
	c.nv += m
	c.at += int64(n)
	return v
}

// spread moves the m values at the start of v to the rows whose
// definition level says they are not NULL, in order, and sets the others
// to null.
func spread[T int32 | int64](v []T, m int, def []byte, maxDef int, null T) {
	for k := len(v) - 1; k >= 0; k-- {
		if int(def[k]) >= maxDef {
			m--
			v[k] = v[m]
		} else {
			v[k] = null
		}
	}
}

func (c *column) release() {
	if c.page != nil {
		parquet.Release(c.page)
		c.page = nil
	}
	c.rows, c.row = 0, 0
}
