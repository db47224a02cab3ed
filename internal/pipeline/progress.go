package pipeline

import (
	"sync"
	"time"

	"github.com/nhsdigital/gp2gp/internal/spinelog"
)

// Progress is a snapshot of a run's progress, for a progress display.
type Progress struct {
	Phase string // "reading", "classifying" or "publishing"
	// Input is the log being read, with the compressed bytes read of it
	// and its size (0 if unknown).
	Input                string
	InputRead, InputSize int64
	// Rows counts the rows read so far, both logs.
	Rows int64
	// Conversations is how many there are (once read), Classified how many
	// are done.
	Conversations, Classified int
	Elapsed                   time.Duration
	Final                     bool // the last report of its phase
}

// progress tracks a run for Config.Progress; every method is safe on a
// run without it.
type progress struct {
	fn    func(Progress)
	start time.Time
	done  chan struct{}
	wg    sync.WaitGroup

	mu       sync.Mutex
	p        Progress
	rowsDone int64 // rows of the logs already read
	lr       *spinelog.Reader
}

func startProgress(fn func(Progress), every time.Duration) *progress {
	pr := &progress{fn: fn, start: time.Now(), done: make(chan struct{})}
	if fn == nil {
		return pr
	}
	if every <= 0 {
		every = 5 * time.Second
	}
	pr.wg.Go(func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				pr.report(false)
			case <-pr.done:
				return
			}
		}
	})
	return pr
}

func (pr *progress) snapshot() Progress {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	p := pr.p
	p.Rows = pr.rowsDone
	if pr.lr != nil {
		st := pr.lr.Stats()
		p.InputRead, p.Rows = st.CompressedBytes, pr.rowsDone+st.Records
	}
	p.Elapsed = time.Since(pr.start)
	return p
}

func (pr *progress) report(final bool) {
	if pr.fn == nil {
		return
	}
	p := pr.snapshot()
	p.Final = final
	pr.fn(p)
}

func (pr *progress) set(f func(p *Progress)) {
	pr.mu.Lock()
	f(&pr.p)
	pr.mu.Unlock()
}

// reading starts reading a log.
func (pr *progress) reading(input string, size int64, lr *spinelog.Reader) {
	pr.set(func(p *Progress) { p.Phase, p.Input, p.InputSize, p.InputRead = "reading", input, size, 0 })
	pr.mu.Lock()
	pr.lr = lr
	pr.mu.Unlock()
}

// read ends reading a log.
func (pr *progress) read(st spinelog.Stats) {
	pr.mu.Lock()
	pr.lr = nil
	pr.rowsDone += st.Records
	pr.p.InputRead = st.CompressedBytes
	pr.mu.Unlock()
	pr.report(true)
}

func (pr *progress) classifying(conversations int) {
	pr.set(func(p *Progress) {
		p.Phase, p.Conversations = "classifying", conversations
		p.Input, p.InputRead, p.InputSize = "", 0, 0
	})
}

func (pr *progress) classified(n int) {
	pr.set(func(p *Progress) { p.Classified += n })
}

func (pr *progress) publishing() {
	pr.report(true)
	pr.set(func(p *Progress) { p.Phase = "publishing" })
	pr.report(true)
}

// stop ends the reports.
func (pr *progress) stop() {
	close(pr.done)
	pr.wg.Wait()
}
