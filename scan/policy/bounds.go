package policy

import (
	"context"
	"errors"
	"fmt"
	"runtime/metrics"
	"time"
)

// Limits bound policy evaluation: every config rule, the gate (extensions
// included) and every Rego unit test. OPA has neither a step budget nor a
// memory cap; it does stop a query whose context is done, checking before
// every expression and inside the built-ins that generate large values
// (numbers.range), so both limits work by cancelling that context. An
// interrupt (the context of the command) stops evaluation the same way.
type Limits struct {
	// Timeout bounds one evaluation; 0 means DefaultTimeout, negative none.
	Timeout time.Duration
	// Memory bounds how much the Go heap may grow while an evaluation runs,
	// in bytes; 0 means DefaultMemory, negative none. The heap is the
	// process's: a watchdog samples it (runtime/metrics) every few
	// milliseconds and stops the evaluation past the bound. A single
	// built-in call that allocates more than the bound at once cannot be
	// stopped halfway.
	Memory int64
}

// Defaults of Limits: the gate gets the same time budget as a config rule.
const (
	DefaultTimeout = 30 * time.Second
	DefaultMemory  = 2 << 30
)

// ErrTimeLimit and ErrMemoryLimit are wrapped by the errors of evaluations
// that Limits stopped.
var (
	ErrTimeLimit   = errors.New("policy evaluation stopped: time limit exceeded")
	ErrMemoryLimit = errors.New("policy evaluation stopped: memory limit exceeded")
)

type limitsKey struct{}

// WithLimits returns a context whose policy evaluations use l instead of
// the limits the engine was compiled with (zero fields keep those): what a
// command sets from its flags, and tests to stop a runaway policy fast.
func WithLimits(ctx context.Context, l Limits) context.Context {
	return context.WithValue(ctx, limitsKey{}, l)
}

// effective is l with the context's overrides and the defaults applied.
func (l Limits) effective(ctx context.Context) Limits {
	if o, ok := ctx.Value(limitsKey{}).(Limits); ok {
		if o.Timeout != 0 {
			l.Timeout = o.Timeout
		}
		if o.Memory != 0 {
			l.Memory = o.Memory
		}
	}
	if l.Timeout == 0 {
		l.Timeout = DefaultTimeout
	}
	if l.Memory == 0 {
		l.Memory = DefaultMemory
	}
	return l
}

// heapMetric is the bytes of heap objects, live and not yet swept: it grows
// as fast as an evaluation allocates.
const heapMetric = "/memory/classes/heap/objects:bytes"

func heapBytes(s []metrics.Sample) uint64 {
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

// watchInterval is how often the watchdog samples the heap.
const watchInterval = 5 * time.Millisecond

// bounded runs eval under l (see Limits). When a limit stops it, the error
// wraps ErrTimeLimit or ErrMemoryLimit and says by how much; when ctx
// itself is done (an interrupt), the error is ctx's.
func bounded(ctx context.Context, l Limits, eval func(context.Context) error) error {
	l = l.effective(ctx)
	ectx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	if l.Timeout > 0 {
		var stop context.CancelFunc
		ectx, stop = context.WithTimeoutCause(ectx, l.Timeout, fmt.Errorf("%w (%v)", ErrTimeLimit, l.Timeout))
		defer stop()
	}
	done := make(chan struct{})
	watched := make(chan struct{})
	if l.Memory > 0 {
		go func() {
			defer close(watched)
			watchHeap(ectx, done, uint64(l.Memory), cancel)
		}()
	} else {
		close(watched)
	}
	err := eval(ectx)
	close(done)
	<-watched
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if cause := context.Cause(ectx); errors.Is(cause, ErrTimeLimit) || errors.Is(cause, ErrMemoryLimit) {
		return cause
	}
	return err
}

// watchHeap cancels the evaluation with ErrMemoryLimit when the heap grows
// past limit bytes over what it was when the evaluation began.
func watchHeap(ctx context.Context, done <-chan struct{}, limit uint64, cancel context.CancelCauseFunc) {
	s := []metrics.Sample{{Name: heapMetric}}
	base := heapBytes(s)
	tick := time.NewTicker(watchInterval)
	defer tick.Stop()
	for {
		select {
		case <-done:
			return
		case <-ctx.Done():
			return
		case <-tick.C:
			if cur := heapBytes(s); cur > base && cur-base > limit {
				cancel(fmt.Errorf("%w: the heap grew by %d MiB while it ran (limit %d MiB)", ErrMemoryLimit, (cur-base)>>20, limit>>20))
				return
			}
		}
	}
}

// memoryStop returns the memory limit error when it is what stopped ctx:
// for runs (the tester) that report a stop in their results rather than as
// an error.
func memoryStop(ctx context.Context) error {
	if c := context.Cause(ctx); errors.Is(c, ErrMemoryLimit) {
		return c
	}
	return nil
}
