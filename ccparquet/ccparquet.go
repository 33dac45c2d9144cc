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
package ccparquet

import (
	"errors"
	"fmt"
	"io"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/encoding"
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
	f.length, f.lenMaxDef = c.Index(), c.MaxDefinitionLevel()
	c, err = col(ColumnFetchTime, parquet.Int64, parquet.Int96)
	if err != nil {
		return nil, err
	}
	f.fetch, f.timeMaxDef = c.Index(), c.MaxDefinitionLevel()
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
	// false if it is NULL.
	Unix    int64
	HasTime bool
}

// RowGroupReader reads the rows of one row group. It follows the contract
// of bufio.Scanner: call Next until it returns false, then Err.
type RowGroupReader struct {
	f                  *File
	n, i               int64
	host, length, time column
	domain             column
	row                Row
	err                error
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
		host:   column{pages: cc[f.host].Pages(), maxDef: f.hostMaxDef, name: ColumnHost},
		length: column{pages: cc[f.length].Pages(), maxDef: f.lenMaxDef, name: ColumnLength},
		time:   column{pages: cc[f.fetch].Pages(), maxDef: f.timeMaxDef, name: ColumnFetchTime},
	}
	if f.domain >= 0 {
		r.domain = column{pages: cc[f.domain].Pages(), maxDef: f.domMaxDef, name: ColumnDomain}
	}
	return r
}

// NumRows returns the number of rows in the row group.
func (r *RowGroupReader) NumRows() int64 { return r.n }

// Next advances to the next row and reports whether there is one.
func (r *RowGroupReader) Next() bool {
	if r.err != nil || r.i >= r.n {
		r.close()
		return false
	}
	if err := r.next(); err != nil {
		r.err = fmt.Errorf("ccparquet: row %d: %w", r.i, err)
		r.close()
		return false
	}
	r.i++
	return true
}

// recoverError turns a panic into an error stored in *err. The Parquet
// library panics on some corrupt inputs.
func recoverError(err *error) {
	if v := recover(); v != nil {
		*err = fmt.Errorf("ccparquet: corrupt file: %v", v)
	}
}

func (r *RowGroupReader) next() error {
	row := &r.row
	var err error
	if row.Host, row.HostID, err = r.host.bytes(); err != nil {
		return err
	}
	if r.domain.pages != nil {
		if row.Domain, row.DomainID, err = r.domain.bytes(); err != nil {
			return err
		}
	} else {
		row.Domain, row.DomainID = nil, -1
	}
	c := &r.length
	null, err := c.advance()
	if err != nil {
		return err
	}
	if null {
		row.Length = -1
	} else if row.Length, err = c.int(); err != nil {
		return err
	}
	// fetch time
	c = &r.time
	if null, err = c.advance(); err != nil {
		return err
	}
	row.HasTime = !null
	if !null {
		if r.f.timeUnit == 0 {
			row.Unix, err = c.int96()
		} else {
			row.Unix, err = c.int()
			row.Unix /= r.f.timeUnit
		}
	}
	return err
}

// Row returns the current row. It is valid until the next call to Next.
func (r *RowGroupReader) Row() *Row { return &r.row }

// Err returns the first error met, or nil at the end of the row group.
func (r *RowGroupReader) Err() error { return r.err }

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

// column is a cursor over the values of one column chunk.
type column struct {
	name   string
	pages  parquet.Pages
	page   parquet.Page
	maxDef int
	def    []byte // definition levels of the page, nil if the column is required
	row    int    // next row in the page
	rows   int    // rows in the page
	vi     int    // index of the current non-null value
	nv     int    // non-null values consumed

	dict        bool
	idx         []int32 // dictionary indexes
	dictData    []byte
	dictOffsets []uint32
	dictI32     []int32
	dictI64     []int64

	data    []byte
	offsets []uint32
	i32     []int32
	i64     []int64
	i96     []deprecated.Int96
}

// advance moves to the next row and reports whether its value is NULL.
func (c *column) advance() (null bool, err error) {
	for c.row >= c.rows {
		if err := c.nextPage(); err != nil {
			return false, err
		}
	}
	r := c.row
	c.row++
	if c.def != nil && int(c.def[r]) < c.maxDef {
		return true, nil
	}
	c.vi = c.nv
	c.nv++
	return false, nil
}

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
	c.row, c.nv, c.vi = 0, 0, 0
	c.def = nil
	if c.maxDef > 0 {
		c.def = p.DefinitionLevels()
		if len(c.def) < c.rows {
			return fmt.Errorf("%s: %d definition levels for %d values", c.name, len(c.def), c.rows)
		}
	}
	data := p.Data()
	c.dict = false
	c.data, c.offsets, c.i32, c.i64, c.i96 = nil, nil, nil, nil, nil
	nonNull := c.rows - int(p.NumNulls())
	if d := p.Dictionary(); d != nil {
		c.dict = true
		c.idx = data.Int32()
		dd := d.Page().Data()
		switch d.Type().Kind() {
		case parquet.ByteArray:
			c.dictData, c.dictOffsets = dd.ByteArray()
		case parquet.Int32:
			c.dictI32 = dd.Int32()
		case parquet.Int64:
			c.dictI64 = dd.Int64()
		default:
			return fmt.Errorf("%s: unsupported dictionary type %s", c.name, d.Type())
		}
		if len(c.idx) < nonNull {
			return fmt.Errorf("%s: %d values for %d rows", c.name, len(c.idx), nonNull)
		}
		for _, id := range c.idx[:nonNull] {
			if id < 0 || int(id) >= d.Len() {
				return fmt.Errorf("%s: dictionary index %d out of range", c.name, id)
			}
		}
		return nil
	}
	n := 0
	switch data.Kind() {
	case encoding.ByteArray:
		c.data, c.offsets = data.ByteArray()
		n = len(c.offsets) - 1
	case encoding.Int32:
		c.i32 = data.Int32()
		n = len(c.i32)
	case encoding.Int64:
		c.i64 = data.Int64()
		n = len(c.i64)
	case encoding.Int96:
		v := data.Int96()
		c.i96 = v
		n = len(v)
	default:
		return fmt.Errorf("%s: unsupported page type %s", c.name, p.Type())
	}
	if n < nonNull {
		return fmt.Errorf("%s: %d values for %d rows", c.name, n, nonNull)
	}
	return nil
}

// bytes advances to the next row of a string column and returns its
// value (nil if NULL) and dictionary index (or -1).
func (c *column) bytes() ([]byte, int32, error) {
	null, err := c.advance()
	if err != nil || null {
		return nil, -1, err
	}
	if c.dict {
		id := c.idx[c.vi]
		if id < 0 || int(id)+1 >= len(c.dictOffsets) {
			return nil, -1, fmt.Errorf("%s: dictionary index %d out of range", c.name, id)
		}
		return c.dictData[c.dictOffsets[id]:c.dictOffsets[id+1]], id, nil
	}
	if c.offsets == nil {
		return nil, -1, fmt.Errorf("%s: not a string column", c.name)
	}
	return c.data[c.offsets[c.vi]:c.offsets[c.vi+1]], -1, nil
}

func (c *column) int() (int64, error) {
	if c.dict {
		id := c.idx[c.vi]
		switch {
		case c.dictI32 != nil:
			return int64(c.dictI32[id]), nil
		case c.dictI64 != nil:
			return c.dictI64[id], nil
		}
		return 0, fmt.Errorf("%s: not an integer dictionary", c.name)
	}
	switch {
	case c.i32 != nil:
		return int64(c.i32[c.vi]), nil
	case c.i64 != nil:
		return c.i64[c.vi], nil
	}
	return 0, fmt.Errorf("%s: not an integer column", c.name)
}

// int96 decodes an INT96 timestamp (nanoseconds of the day, then the
// Julian day number) into Unix seconds.
func (c *column) int96() (int64, error) {
	if c.i96 == nil {
		return 0, fmt.Errorf("%s: not an INT96 column", c.name)
	}
	v := c.i96[c.vi]
	nanos := int64(uint64(v[1])<<32 | uint64(v[0]))
	day := int64(v[2])
	return (day-2440588)*86400 + nanos/1e9, nil
}

func (c *column) release() {
	if c.page != nil {
		parquet.Release(c.page)
		c.page = nil
	}
	c.rows, c.row = 0, 0
}
