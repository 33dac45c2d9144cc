package web

import (
	"sync"
	"time"
)

// limiter is a per-key token bucket with a bounded number of keys.
type limiter struct {
	mu      sync.Mutex
	burst   float64
	every   time.Duration
	max     int
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newLimiter(burst int, every time.Duration, max int) *limiter {
	return &limiter{burst: float64(burst), every: every, max: max, buckets: make(map[string]*bucket)}
}

// allow takes a token from key's bucket at now and reports whether one was
// there; if not, it returns how long until one will be.
func (l *limiter) allow(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= l.max {
			l.evict(now)
		}
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	}
	if el := now.Sub(b.last); el > 0 {
		b.tokens = min(l.burst, b.tokens+float64(el)/float64(l.every))
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) * float64(l.every))
}

// evict drops the buckets that have refilled, which carry no state; if the
// map is still full, it drops them all rather than grow without bound.
func (l *limiter) evict(now time.Time) {
	for k, b := range l.buckets {
		if b.tokens+float64(now.Sub(b.last))/float64(l.every) >= l.burst {
			delete(l.buckets, k)
		}
	}
	if len(l.buckets) >= l.max {
		clear(l.buckets)
	}
}

// throttle counts failed sign-ins per key (account or IP address) and
// refuses sign-ins for a backoff that doubles with each failure past max.
type throttle struct {
	mu      sync.Mutex
	max     int
	backoff time.Duration
	cap     int
	m       map[string]*failures
}

type failures struct {
	n     int
	last  time.Time
	until time.Time
}

// forget is how long after the last failure a key's count is dropped.
const forget = time.Hour

func newThrottle(max int, backoff time.Duration, capacity int) *throttle {
	return &throttle{max: max, backoff: backoff, cap: capacity, m: make(map[string]*failures)}
}

// blocked returns how long sign-ins for key stay refused at now, or 0.
func (t *throttle) blocked(key string, now time.Time) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	f := t.m[key]
	if f == nil || !now.Before(f.until) {
		return 0
	}
	return f.until.Sub(now)
}

// fail records a failure for key at now.
func (t *throttle) fail(key string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	f := t.m[key]
	if f == nil || now.Sub(f.last) > forget {
		if len(t.m) >= t.cap {
			for k, v := range t.m {
				if now.Sub(v.last) > forget || !now.Before(v.until) {
					delete(t.m, k)
				}
			}
			if len(t.m) >= t.cap {
				clear(t.m)
			}
		}
		f = &failures{}
		t.m[key] = f
	}
	f.n++
	f.last = now
	if f.n >= t.max {
		d := t.backoff << min(f.n-t.max, 10)
		f.until = now.Add(min(d, 15*time.Minute))
	}
}

// reset forgets key's failures after a successful sign-in.
func (t *throttle) reset(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.m, key)
}
