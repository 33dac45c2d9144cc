//go:build unix

package archive_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gpai-project/gpai/archive"
)

// The crash test runs publishes in child processes (this test binary, run
// again with crashEnv set) and kills them with SIGKILL, either at a chosen
// write (before it, in the middle of its data, or after it) or after a
// random delay. After each kill, the archive must verify and hold either
// what it held before or the whole new version.

const crashEnv = "GPAI_ARCHIVE_CRASH"

// crashPublication is the version that the child with the given seed
// publishes: files new content each time, and a file shared by all.
func crashPublication(seed, files, size int) archive.Publication {
	p := pub(fmt.Sprintf("crash-%d", seed), nil)
	rng := rand.New(rand.NewPCG(uint64(seed), 1))
	for i := range files {
		b := make([]byte, size)
		for j := range b {
			b[j] = byte('a' + rng.IntN(26))
		}
		p.Files[fmt.Sprintf("doc/%03d.md", i)] = b
	}
	p.Files["shared.yaml"] = []byte("model: Acme-7B\n")
	return p
}

// killer is a Store that kills its process at the write numbered at.
type killer struct {
	archive.Store
	n    int
	at   int
	mode string // "before", "middle" or "after" the write
}

func die() { syscall.Kill(os.Getpid(), syscall.SIGKILL); select {} }

func (k *killer) Put(ctx context.Context, key string, r io.Reader) error {
	k.n++
	if k.n != k.at {
		return k.Store.Put(ctx, key, r)
	}
	switch k.mode {
	case "before":
		die()
	case "middle":
		return k.Store.Put(ctx, key, &dyingReader{r: r})
	}
	err := k.Store.Put(ctx, key, r)
	die()
	return err
}

// dyingReader kills the process once it has passed on some bytes.
type dyingReader struct {
	r    io.Reader
	read int
}

func (d *dyingReader) Read(p []byte) (int, error) {
	if d.read > 0 {
		die()
	}
	if len(p) > 1 {
		p = p[:len(p)/2+1]
	}
	n, err := d.r.Read(p)
	d.read += n
	return n, err
}

// TestCrashChild is the child process; it does nothing in a normal run.
func TestCrashChild(t *testing.T) {
	if os.Getenv(crashEnv) == "" {
		t.Skip("run by TestCrash")
	}
	env := func(k string) int { n, _ := strconv.Atoi(os.Getenv(crashEnv + "_" + k)); return n }
	dir := os.Getenv(crashEnv)
	key, err := archive.ReadKeyFile(filepath.Join(dir, "keys", "archive.key"))
	if err != nil {
		t.Fatal(err)
	}
	var store archive.Store = archive.NewDir(dir)
	if at := env("AT"); at > 0 {
		store = &killer{Store: store, at: at, mode: os.Getenv(crashEnv + "_MODE")}
	}
	a := &archive.Archive{Store: store, Key: key}
	p := crashPublication(env("SEED"), env("FILES"), env("SIZE"))
	os.Stdout.WriteString("start\n") // the parent's clock starts here
	start := time.Now()
	if _, _, err := a.Publish(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(os.Stdout, "took %d\n", time.Since(start))
}

func TestCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("starts many processes")
	}
	dir := t.TempDir()
	a := &archive.Archive{Store: archive.NewDir(dir), Key: newKey(t)}
	if err := archive.WriteKeyFile(filepath.Join(dir, "keys", "archive.key"), a.Key); err != nil {
		t.Fatal(err)
	}
	if err := a.Init(ctx); err != nil {
		t.Fatal(err)
	}
	seed := 0
	// child publishes version seed in a child process with the given
	// extra environment, and kills it after delay if delay > 0. It returns
	// how long the child ran and whether it was killed.
	child := func(files, size int, delay time.Duration, env ...string) (time.Duration, bool) {
		seed++
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), crashEnv+"="+dir,
			fmt.Sprintf("%s_SEED=%d", crashEnv, seed), fmt.Sprintf("%s_FILES=%d", crashEnv, files), fmt.Sprintf("%s_SIZE=%d", crashEnv, size))
		cmd.Env = append(cmd.Env, env...)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Wait for the child to start publishing, then time the publish
		// alone.
		lines := bufio.NewScanner(out)
		for lines.Scan() && lines.Text() != "start" {
		}
		if delay > 0 {
			timer := time.AfterFunc(delay, func() { cmd.Process.Signal(syscall.SIGKILL) })
			defer timer.Stop()
		}
		var took time.Duration
		for lines.Scan() {
			if ns, ok := strings.CutPrefix(lines.Text(), "took "); ok {
				n, _ := strconv.ParseInt(ns, 10, 64)
				took = time.Duration(n)
			}
		}
		err = cmd.Wait()
		if err != nil && !isKilled(err) {
			t.Fatalf("child %d: %v", seed, err)
		}
		return took, err != nil
	}
	versions := 0
	// check verifies the archive after child seed: the version it
	// published is there whole, or the archive is as it was.
	check := func(what string, files, size int) {
		t.Helper()
		r := verify(t, a)
		if !r.OK() {
			t.Fatalf("%s: Verify = %q", what, r.Problems)
		}
		h, err := a.History(ctx)
		if err != nil {
			t.Fatalf("%s: History: %v", what, err)
		}
		switch len(h) {
		case versions:
			return
		case versions + 1:
			versions++
		default:
			t.Fatalf("%s: %d versions after a publish onto %d", what, len(h), versions)
		}
		want := crashPublication(seed, files, size)
		if h[0].Label != want.Label || len(h[0].Files) != len(want.Files) {
			t.Fatalf("%s: newest version %q has %d files, want %q with %d", what, h[0].Label, len(h[0].Files), want.Label, len(want.Files))
		}
		for name, content := range want.Files {
			if b, err := a.ReadFile(ctx, h[0], name); err != nil || string(b) != string(content) {
				t.Fatalf("%s: file %s of the new version: %v", what, name, err)
			}
		}
	}

	// A kill at, in the middle of, or after each write of a small publish:
	// 3 objects (one of them shared after the first), the manifest, the head.
	const files, size = 3, 4096
	kills := 0
	for at := 1; at <= files+3; at++ {
		for _, mode := range []string{"before", "middle", "after"} {
			_, killed := child(files, size, 0, fmt.Sprintf("%s_AT=%d", crashEnv, at), crashEnv+"_MODE="+mode)
			if killed {
				kills++
			}
			check(fmt.Sprintf("kill %s write %d", mode, at), files, size)
		}
	}
	if kills < 3*(files+2) {
		t.Errorf("only %d children were killed at a write", kills)
	}

	// Kills after random delays during a larger publish.
	const bigFiles, bigSize = 64, 16 << 10
	took, _ := child(bigFiles, bigSize, 0)
	check("uninterrupted publish", bigFiles, bigSize)
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 2))
	kills = 0
	for i := range 20 {
		delay := time.Duration(rng.Int64N(int64(took)*6/5)) + 1
		if _, killed := child(bigFiles, bigSize, delay); killed {
			kills++
		}
		check(fmt.Sprintf("random kill %d after %v", i, delay), bigFiles, bigSize)
	}
	t.Logf("publish took %v; %d versions after %d runs, %d killed at random", took, versions, seed, kills)
	if removed, err := a.Clean(ctx); err != nil {
		t.Errorf("Clean: %v", err)
	} else {
		t.Logf("Clean removed %d leftovers", len(removed))
	}
	if r := verify(t, a); !r.OK() || len(r.Notes) != 0 {
		t.Errorf("after Clean: Verify = %q, notes %q", r.Problems, r.Notes)
	}
}

func isKilled(err error) bool {
	ee, ok := err.(*exec.ExitError)
	if !ok {
		return false
	}
	ws, ok := ee.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
}
