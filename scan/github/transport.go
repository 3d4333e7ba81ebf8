package github

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Clock is the time source of the retrying transport, so that tests can
// run a rate-limit wait of an hour in no time.
type Clock interface {
	Now() time.Time
	// Sleep waits for d or until ctx is done.
	Sleep(ctx context.Context, d time.Duration) error
}

// realClock is the wall clock.
type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Retry defaults.
const (
	defaultMaxRetries = 5
	firstBackoff      = time.Second
	maxBackoff        = 30 * time.Second
	// secondaryDefaultWait is what GitHub's documentation asks for after a
	// secondary rate limit that names no time: at least a minute.
	secondaryDefaultWait = time.Minute
)

// errBudget is returned when waiting would exceed the time budget.
var errBudget = errors.New("time budget for GitHub requests exhausted")

// transport retries GitHub API requests: on 5xx for idempotent requests,
// on network errors, and on primary and secondary rate limits, honouring
// Retry-After and X-RateLimit-Reset, within a total time budget measured on
// its Clock.
//
// github.com/gofri/go-github-ratelimit/v2 was the first choice, but it
// returns an error on a primary rate limit instead of waiting, sleeps on the
// wall clock (tests could not inject one) and does not retry 5xx; this
// transport does all three in one place.
//
// It also keeps go-github v60 from refusing calls locally: go-github
// remembers a response with X-RateLimit-Remaining: 0 and fails every later
// call until the reset, without sending it. The transport instead records
// the reset, hides it from go-github, and waits before the next request.
type transport struct {
	base       http.RoundTripper
	clock      Clock
	deadline   time.Time // zero: no budget
	maxRetries int

	mu      sync.Mutex
	resetAt time.Time // primary limit exhausted until then
	waited  time.Duration
}

// retryPOSTKey marks a request context whose POST may be repeated safely.
type retryPOSTKey struct{}

// withRetryPOST marks ctx so that the transport retries a POST on 5xx (the
// SARIF upload: uploading the same analysis twice is harmless).
func withRetryPOST(ctx context.Context) context.Context {
	return context.WithValue(ctx, retryPOSTKey{}, true)
}

// RoundTrip implements http.RoundTripper.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	idempotent := req.Method != http.MethodPost || ctx.Value(retryPOSTKey{}) != nil
	for attempt := 0; ; attempt++ {
		if err := t.waitPrimary(ctx); err != nil {
			return nil, err
		}
		r := req
		if attempt > 0 {
			r = req.Clone(ctx)
			if req.Body != nil && req.Body != http.NoBody {
				if req.GetBody == nil {
					return nil, fmt.Errorf("%s %s: cannot retry a request whose body cannot be replayed", req.Method, req.URL.Path)
				}
				body, err := req.GetBody()
				if err != nil {
					return nil, fmt.Errorf("%s %s: replay body: %w", req.Method, req.URL.Path, err)
				}
				r.Body = body
			}
		}
		resp, err := t.base.RoundTrip(r)
		wait, retry := t.decide(resp, err, attempt, idempotent)
		if !retry || attempt >= t.maxRetries || ctx.Err() != nil {
			if err == nil {
				t.notePrimary(resp)
			}
			return resp, err
		}
		if !t.deadline.IsZero() && t.clock.Now().Add(wait).After(t.deadline) {
			if err == nil {
				return resp, nil // let the caller see the real answer
			}
			return nil, fmt.Errorf("%w (%v)", errBudget, err)
		}
		if resp != nil {
			io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
		}
		if err := t.sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// decide says whether to retry an answer and after how long.
func (t *transport) decide(resp *http.Response, err error, attempt int, idempotent bool) (time.Duration, bool) {
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return 0, false
		}
		return backoff(attempt), idempotent
	}
	now := t.clock.Now()
	switch {
	case resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusTooManyRequests:
		if resp.Header.Get("X-RateLimit-Remaining") == "0" {
			// Primary rate limit: nothing more until the reset.
			if reset, ok := unixHeader(resp.Header, "X-RateLimit-Reset"); ok {
				return max(reset.Sub(now), 0) + time.Second, true
			}
			return secondaryDefaultWait, true
		}
		if d, ok := retryAfter(resp.Header); ok {
			return d, true
		}
		if isSecondaryLimit(resp) {
			if reset, ok := unixHeader(resp.Header, "X-RateLimit-Reset"); ok && reset.After(now) {
				return reset.Sub(now), true
			}
			return secondaryDefaultWait, true
		}
		if resp.StatusCode == http.StatusTooManyRequests {
			return secondaryDefaultWait, true
		}
		return 0, false // a real permission error
	case resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented:
		if !idempotent {
			return 0, false
		}
		if d, ok := retryAfter(resp.Header); ok {
			return d, true
		}
		return backoff(attempt), true
	}
	return 0, false
}

// notePrimary records an exhausted primary quota from a response that is
// passed on, and hides it from go-github so that go-github does not refuse
// the next call locally: the transport waits for the reset instead.
func (t *transport) notePrimary(resp *http.Response) {
	if resp == nil || resp.Header.Get("X-RateLimit-Remaining") != "0" {
		return
	}
	reset, ok := unixHeader(resp.Header, "X-RateLimit-Reset")
	if !ok {
		return
	}
	t.mu.Lock()
	if reset.After(t.resetAt) {
		t.resetAt = reset
	}
	t.mu.Unlock()
	if resp.StatusCode < 300 {
		resp.Header.Del("X-RateLimit-Reset")
	}
}

// waitPrimary waits until an exhausted primary quota resets.
func (t *transport) waitPrimary(ctx context.Context) error {
	t.mu.Lock()
	reset := t.resetAt
	t.mu.Unlock()
	if reset.IsZero() {
		return nil
	}
	d := reset.Sub(t.clock.Now())
	if d <= 0 {
		return nil
	}
	d += time.Second
	if !t.deadline.IsZero() && t.clock.Now().Add(d).After(t.deadline) {
		return fmt.Errorf("%w: the API rate limit resets at %s", errBudget, reset.UTC().Format(time.RFC3339))
	}
	return t.sleep(ctx, d)
}

func (t *transport) sleep(ctx context.Context, d time.Duration) error {
	t.mu.Lock()
	t.waited += d
	t.mu.Unlock()
	return t.clock.Sleep(ctx, d)
}

// Waited is the total time the transport spent waiting.
func (t *transport) Waited() time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.waited
}

// backoff is the exponential wait before retry attempt+1: 1s, 2s, 4s... up to maxBackoff.
func backoff(attempt int) time.Duration {
	d := firstBackoff << min(attempt, 10)
	return min(d, maxBackoff)
}

// retryAfter reads a Retry-After header in seconds.
func retryAfter(h http.Header) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, false
	}
	return time.Duration(n) * time.Second, true
}

// unixHeader reads a header holding seconds since the epoch.
func unixHeader(h http.Header, name string) (time.Time, bool) {
	n, err := strconv.ParseInt(strings.TrimSpace(h.Get(name)), 10, 64)
	if err != nil || n <= 0 {
		return time.Time{}, false
	}
	return time.Unix(n, 0), true
}

// isSecondaryLimit reports whether a 403 or 429 is GitHub's secondary rate
// limit, from its documented message or documentation URL. It leaves the
// body readable.
func isSecondaryLimit(resp *http.Response) bool {
	if resp.Body == nil {
		return false
	}
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	resp.Body = io.NopCloser(strings.NewReader(string(data)))
	s := strings.ToLower(string(data))
	return strings.Contains(s, "secondary rate limit") || strings.Contains(s, "abuse") ||
		strings.Contains(s, "secondary-rate-limits")
}

// NewTransport wraps base (nil: http.DefaultTransport) in the retrying,
// rate-limit-aware transport that Publish uses, for other callers of the
// GitHub API (the audit's organization listing and tracking issues).
// budget bounds the total time spent waiting and retrying (0: none); clock
// nil means the wall clock.
func NewTransport(base http.RoundTripper, budget time.Duration, clock Clock) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	if clock == nil {
		clock = realClock{}
	}
	t := &transport{base: base, clock: clock, maxRetries: defaultMaxRetries}
	if budget > 0 {
		t.deadline = clock.Now().Add(budget)
	}
	return t
}
