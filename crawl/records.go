package crawl

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"

	"github.com/gpai-project/gpai/warc"
)

// Content types of WARC blocks.
const (
	typeRequest  = "application/http;msgtype=request"
	typeResponse = "application/http;msgtype=response"
	typeFields   = "application/warc-fields"
)

// encodeExchange appends the response, request and (when meta is not
// empty) metadata records of an exchange to buf, compressed, and returns
// the response record, whose Offset is relative to the start of buf.
func encodeExchange(buf *bytes.Buffer, x *exchange, target string, meta []warc.Field) (warc.Record, error) {
	w := warc.NewWriter(buf, true)
	base := int64(buf.Len())
	var block bytes.Buffer
	writeResponseHead(&block, x.resp)
	block.Write(x.body)
	resp := warc.Record{Type: "response", TargetURI: target, Date: x.start, Header: []warc.Field{
		{Name: "Content-Type", Value: typeResponse},
		{Name: "WARC-Payload-Digest", Value: warc.Digest(x.body)},
	}}
	if x.ip != "" {
		resp.Header = append(resp.Header, warc.Field{Name: "WARC-IP-Address", Value: x.ip})
	}
	if x.truncated {
		resp.Header = append(resp.Header, warc.Field{Name: "WARC-Truncated", Value: "length"})
	}
	if err := w.Write(&resp, block.Bytes()); err != nil {
		return resp, err
	}
	block.Reset()
	writeRequest(&block, x.req)
	req := warc.Record{Type: "request", TargetURI: target, Date: x.start, Header: []warc.Field{
		{Name: "Content-Type", Value: typeRequest},
		{Name: "WARC-Concurrent-To", Value: resp.RecordID},
	}}
	if err := w.Write(&req, block.Bytes()); err != nil {
		return resp, err
	}
	if len(meta) > 0 {
		block.Reset()
		writeFields(&block, meta)
		md := warc.Record{Type: "metadata", TargetURI: target, Date: x.start, Header: []warc.Field{
			{Name: "Content-Type", Value: typeFields},
			{Name: "WARC-Refers-To", Value: resp.RecordID},
			{Name: "WARC-Concurrent-To", Value: resp.RecordID},
		}}
		if err := w.Write(&md, block.Bytes()); err != nil {
			return resp, err
		}
	}
	resp.Offset += base
	return resp, nil
}

// writeResponseHead writes the status line and header fields of resp as
// they were received, apart from the order of the fields and the
// Transfer-Encoding, which the client has undone.
func writeResponseHead(b *bytes.Buffer, resp *http.Response) {
	proto := resp.Proto
	if proto == "" || proto == "HTTP/2.0" {
		proto = "HTTP/1.1" // a WARC holds HTTP/1.1 messages
	}
	status := resp.Status
	if status == "" {
		status = strconv.Itoa(resp.StatusCode) + " " + http.StatusText(resp.StatusCode)
	}
	fmt.Fprintf(b, "%s %s\r\n", proto, status)
	resp.Header.WriteSubset(b, map[string]bool{"Transfer-Encoding": true})
	b.WriteString("\r\n")
}

// writeRequest writes the request line and header fields the client sent.
func writeRequest(b *bytes.Buffer, req *http.Request) {
	fmt.Fprintf(b, "%s %s HTTP/1.1\r\nHost: %s\r\n", req.Method, req.URL.RequestURI(), req.URL.Host)
	req.Header.Write(b)
	b.WriteString("\r\n")
}

// writeFields writes WARC named fields (application/warc-fields).
func writeFields(b *bytes.Buffer, fields []warc.Field) {
	for _, f := range fields {
		if f.Value == "" {
			continue
		}
		b.WriteString(f.Name)
		b.WriteString(": ")
		b.WriteString(sanitize(f.Value))
		b.WriteString("\r\n")
	}
}

// sanitize replaces line breaks, which would end a field.
func sanitize(s string) string {
	if !bytes.ContainsAny([]byte(s), "\r\n") {
		return s
	}
	return string(bytes.Map(func(r rune) rune {
		if r == '\r' || r == '\n' {
			return ' '
		}
		return r
	}, []byte(s)))
}

// warcinfo returns the encoded warcinfo record that begins a WARC file.
func (c *Crawler) warcinfo(name string) ([]byte, error) {
	var block bytes.Buffer
	writeFields(&block, []warc.Field{
		{Name: "software", Value: "gpai crawl (github.com/gpai-project/gpai)"},
		{Name: "format", Value: "WARC File Format 1.1"},
		{Name: "conformsTo", Value: "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"},
		{Name: "isPartOf", Value: c.cfg.Prefix},
		{Name: "robots", Value: "obey (RFC 9309), with TDMRep, AI preferences (Content-Usage, Content-Signal), noai and access controls"},
		{Name: "http-header-user-agent", Value: c.cfg.Identity.UserAgent},
		{Name: "product-tokens", Value: fmt.Sprint(c.cfg.Identity.Tokens)},
		{Name: "purpose", Value: c.cfg.Purpose.String()},
	})
	var buf bytes.Buffer
	rec := warc.Record{Type: "warcinfo", Date: c.cfg.Now(), Header: []warc.Field{
		{Name: "Content-Type", Value: typeFields},
		{Name: "WARC-Filename", Value: name},
	}}
	if err := warc.NewWriter(&buf, true).Write(&rec, block.Bytes()); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
