package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/pipeguard/pipeguard/scan/audit"
)

// progressDelay is how long a step runs before its bar appears: scans that
// take a couple of seconds print nothing.
var progressDelay = 2 * time.Second

// stepBar draws the long steps of a scan (the commits of a history scan,
// the Go modules of a dependency audit), told by scan.Tick, as one
// progress bar on a terminal: the oldest running step fills the bar, the
// others are counted in its description. It is safe for concurrent use:
// scanners run at the same time.
type stepBar struct {
	w     io.Writer
	delay time.Duration

	mu    sync.Mutex
	steps map[string]*stepCount
	order []string // running steps, oldest first
	bar   *progressbar.ProgressBar
	owner string // the step the bar shows
	stop  chan struct{}
	done  chan struct{}
}

type stepCount struct {
	done, total int
	start       time.Time
}

// newStepBar draws on w, which must be a terminal. Close it before writing
// anything else to w.
func newStepBar(w io.Writer, delay time.Duration) *stepBar {
	b := &stepBar{w: w, delay: delay, steps: map[string]*stepCount{}, stop: make(chan struct{}), done: make(chan struct{})}
	go b.refresh()
	return b
}

// tick is a scan.Meter.
func (b *stepBar) tick(step string, done, total int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.steps == nil { // closed
		return
	}
	st := b.steps[step]
	finished := total > 0 && done >= total
	switch {
	case st == nil && finished:
		return
	case st == nil:
		st = &stepCount{start: time.Now()}
		b.steps[step] = st
		b.order = append(b.order, step)
	}
	st.done, st.total = done, total
	if finished {
		delete(b.steps, step)
		for i, s := range b.order {
			if s == step {
				b.order = append(b.order[:i], b.order[i+1:]...)
				break
			}
		}
	}
	b.draw()
}

// refresh redraws the bar a few times a second, so that it appears after
// the delay and its elapsed time moves even between ticks.
func (b *stepBar) refresh() {
	defer close(b.done)
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-b.stop:
			return
		case <-t.C:
			b.mu.Lock()
			if b.steps != nil {
				b.draw()
			}
			b.mu.Unlock()
		}
	}
}

// draw shows the oldest running step once it has lasted the delay; b.mu is held.
func (b *stepBar) draw() {
	if len(b.order) == 0 {
		b.clear()
		return
	}
	owner := b.order[0]
	st := b.steps[owner]
	if b.bar == nil && time.Since(st.start) < b.delay {
		return
	}
	if b.bar == nil || b.owner != owner {
		b.clear()
		max := st.total
		if max <= 0 {
			max = -1 // a spinner: the total is unknown
		}
		b.owner = owner
		b.bar = audit.NewBar(b.w, max, owner)
	}
	if st.total > 0 && b.bar.GetMax() != st.total {
		b.bar.ChangeMax(st.total)
	}
	b.bar.Describe(b.describe())
	_ = b.bar.Set(st.done)
}

// describe names the bar's step and counts the other running ones.
func (b *stepBar) describe() string {
	parts := []string{b.order[0]}
	for _, s := range b.order[1:] {
		st := b.steps[s]
		if st.total > 0 {
			parts = append(parts, fmt.Sprintf("%s %d/%d", s, st.done, st.total))
		} else {
			parts = append(parts, fmt.Sprintf("%s %d", s, st.done))
		}
	}
	return strings.Join(parts, "; ")
}

func (b *stepBar) clear() {
	if b.bar != nil {
		_ = b.bar.Clear()
		b.bar, b.owner = nil, ""
	}
}

// close removes the bar from the terminal and stops drawing.
func (b *stepBar) close() {
	if b == nil {
		return
	}
	b.mu.Lock()
	if b.steps == nil {
		b.mu.Unlock()
		return
	}
	b.clear()
	b.steps = nil
	b.mu.Unlock()
	close(b.stop)
	<-b.done
}
