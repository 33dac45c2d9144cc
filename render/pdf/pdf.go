// Package pdf prints HTML documents to PDF with a headless Chromium, the
// same engine that renders them in a browser, so the PDF a regulator
// receives looks like the page the provider reviewed. It is a package of
// its own so that its dependency (chromedp) stays out of everything else.
package pdf

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gpai-project/gpai"
)

// Config says which browser to run and for how long.
type Config struct {
	// ExecPath is the Chromium or Chrome binary; empty means the first of
	// chromium, chromium-browser, google-chrome found on PATH.
	ExecPath string
	Timeout  time.Duration
	// Footer is printed at the bottom of every page beside the page number.
	Footer string
}

// DefaultConfig returns a configuration with a one-minute timeout.
func DefaultConfig() Config { return Config{Timeout: time.Minute} }

// ErrNoBrowser is returned when no Chromium binary can be found.
var ErrNoBrowser = errors.New("pdf: no Chromium found (install Debian's chromium package, or set the browser's path)")

func (c Config) browser() (string, error) {
	if c.ExecPath != "" {
		if _, err := os.Stat(c.ExecPath); err != nil {
			return "", fmt.Errorf("pdf: browser %s: %w", c.ExecPath, err)
		}
		return c.ExecPath, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", ErrNoBrowser
}

// Render prints the HTML document to PDF (A4, backgrounds printed, the
// document's own @page rules honoured) and returns the PDF's bytes.
func Render(ctx context.Context, html []byte, cfg Config) ([]byte, error) {
	bin, err := cfg.browser()
	if err != nil {
		return nil, gpai.Errorf(gpai.EINVALID, "%v", err)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = time.Minute
	}
	dir, err := os.MkdirTemp("", "gpai-pdf-")
	if err != nil {
		return nil, fmt.Errorf("pdf: %w", err)
	}
	defer os.RemoveAll(dir)
	src := filepath.Join(dir, "document.html")
	if err := os.WriteFile(src, html, 0o600); err != nil {
		return nil, fmt.Errorf("pdf: %w", err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(filepath.Join(dir, "profile")),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()
	footer := `<div style="font-size:8px;width:100%;text-align:center;color:#555;font-family:sans-serif">` +
		htmlEscape(cfg.Footer) + ` — page <span class="pageNumber"></span> of <span class="totalPages"></span></div>`
	if err := chromedp.Do(bctx, chromedp.Navigate("file://"+src)); err != nil {
		return nil, fmt.Errorf("pdf: open the document in %s: %w", bin, err)
	}
	out, err := chromedp.Run(bctx, chromedp.PrintToPDF(
		chromedp.PDFPaper(chromedp.PaperA4),
		chromedp.PDFPreferCSSPageSize(),
		chromedp.PDFPrintBackground(),
		chromedp.PDFOutlineAndTagged(),
		chromedp.PDFHeaderTemplate(`<div></div>`),
		chromedp.PDFFooterTemplate(footer),
	))
	if err != nil {
		return nil, fmt.Errorf("pdf: print with %s: %w", bin, err)
	}
	return out, nil
}

func htmlEscape(s string) string {
	r := []rune{}
	for _, c := range s {
		switch c {
		case '<':
			r = append(r, []rune("&lt;")...)
		case '>':
			r = append(r, []rune("&gt;")...)
		case '&':
			r = append(r, []rune("&amp;")...)
		case '"':
			r = append(r, []rune("&quot;")...)
		default:
			r = append(r, c)
		}
	}
	return string(r)
}
