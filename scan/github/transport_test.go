package github

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// scripted is a RoundTripper that answers from a script and records what
// it was sent.
type scripted struct {
	answers []func(*http.Request) (*http.Response, error)
	bodies  []string
}

func (s *scripted) RoundTrip(r *http.Request) (*http.Response, error) {
	var body string
	if r.Body != nil {
		b, _ := io.ReadAll(r.Body)
		body = string(b)
	}
	s.bodies = append(s.bodies, body)
	i := len(s.bodies) - 1
	if i >= len(s.answers) {
		return answer(200, nil, `{}`)(r)
	}
	return s.answers[i](r)
}

func answer(status int, h map[string]string, body string) func(*http.Request) (*http.Response, error) {
	return func(r *http.Request) (*http.Response, error) {
		resp := &http.Response{StatusCode: status, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(body)), Request: r}
		for k, v := range h {
			resp.Header.Set(k, v)
		}
		return resp, nil
	}
}

func netErr(*http.Request) (*http.Response, error) {
	return nil, errors.New("connection reset by peer")
}

func TestTransport(t *testing.T) {
	tests := []struct {
		name       string
		method     string
		retryPOST  bool
		answers    []func(*http.Request) (*http.Response, error)
		budget     time.Duration
		wantStatus int
		wantErr    string
		wantSends  int
		wantSleeps []time.Duration
	}{
		{name: "GET network error is retried", method: "GET", answers: []func(*http.Request) (*http.Response, error){netErr}, wantStatus: 200, wantSends: 2, wantSleeps: []time.Duration{time.Second}},
		{name: "POST network error is not", method: "POST", answers: []func(*http.Request) (*http.Response, error){netErr}, wantErr: "connection reset", wantSends: 1},
		{name: "POST 502 is not retried here", method: "POST", answers: []func(*http.Request) (*http.Response, error){answer(502, nil, "")}, wantStatus: 502, wantSends: 1},
		{name: "marked POST 503 is, with its body", method: "POST", retryPOST: true,
			answers: []func(*http.Request) (*http.Response, error){answer(503, map[string]string{"Retry-After": "3"}, "")}, wantStatus: 200, wantSends: 2, wantSleeps: []time.Duration{3 * time.Second}},
		{name: "backoff doubles, then gives up", method: "PATCH",
			answers:    []func(*http.Request) (*http.Response, error){answer(500, nil, ""), answer(500, nil, ""), answer(500, nil, ""), answer(500, nil, ""), answer(500, nil, ""), answer(500, nil, "")},
			wantStatus: 500, wantSends: 6, wantSleeps: []time.Duration{1 * time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second}},
		{name: "a plain 403 is final", method: "GET", answers: []func(*http.Request) (*http.Response, error){answer(403, nil, `{"message":"Resource not accessible by integration"}`)}, wantStatus: 403, wantSends: 1},
		{name: "429 without hints waits a minute", method: "GET", answers: []func(*http.Request) (*http.Response, error){answer(429, nil, `{}`)}, wantStatus: 200, wantSends: 2, wantSleeps: []time.Duration{time.Minute}},
		{name: "a wait beyond the budget returns the answer", method: "GET", budget: 30 * time.Second,
			answers: []func(*http.Request) (*http.Response, error){answer(429, map[string]string{"Retry-After": "600"}, `{}`)}, wantStatus: 429, wantSends: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock()
			base := &scripted{answers: tt.answers}
			tr := &transport{base: base, clock: clock, maxRetries: defaultMaxRetries}
			if tt.budget > 0 {
				tr.deadline = clock.Now().Add(tt.budget)
			}
			ctx := context.Background()
			if tt.retryPOST {
				ctx = withRetryPOST(ctx)
			}
			req, err := http.NewRequestWithContext(ctx, tt.method, "https://api.github.com/repos/a/b/x", strings.NewReader(`{"body":"hello"}`))
			if err != nil {
				t.Fatal(err)
			}
			resp, err := tr.RoundTrip(req)
			switch {
			case tt.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
			case err != nil:
				t.Fatal(err)
			case resp.StatusCode != tt.wantStatus:
				t.Errorf("status %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			if len(base.bodies) != tt.wantSends {
				t.Errorf("%d sends, want %d", len(base.bodies), tt.wantSends)
			}
			for i, b := range base.bodies {
				if b != `{"body":"hello"}` {
					t.Errorf("send %d had body %q", i+1, b)
				}
			}
			if got := clock.slept(); !equalDurations(got, tt.wantSleeps) {
				t.Errorf("slept %v, want %v", got, tt.wantSleeps)
			}
		})
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestTransportStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	base := &scripted{answers: []func(*http.Request) (*http.Response, error){
		func(r *http.Request) (*http.Response, error) {
			cancel()
			return answer(502, nil, "")(r)
		},
	}}
	tr := &transport{base: base, clock: realClock{}, maxRetries: defaultMaxRetries}
	req, _ := http.NewRequestWithContext(ctx, "GET", "https://api.github.com/x", nil)
	start := time.Now()
	resp, err := tr.RoundTrip(req)
	if err == nil && resp.StatusCode != 502 {
		t.Errorf("status %d", resp.StatusCode)
	}
	if len(base.bodies) != 1 || time.Since(start) > 500*time.Millisecond {
		t.Errorf("kept going after cancel: %d sends in %v", len(base.bodies), time.Since(start))
	}
}
