package synth

import (
	"encoding/binary"
	"io"
	"math/rand/v2"
	"time"
)

// generator holds the state of one Generate call.
type generator struct {
	cfg   Config
	rng   *rand.Rand
	org   *orgMetadata
	tab   *tables
	q     queue
	stats Stats

	metricStart, overflowStart, overflowEnd int64

	metric, overflow *sink
	manifest         *manifestWriter

	weights []int // cumulative weights of metricFamilies
}

func newGenerator(cfg Config, metric, overflow, manifest io.Writer) (*generator, error) {
	g := &generator{
		cfg:           cfg,
		rng:           rand.New(rand.NewPCG(uint64(cfg.Seed), uint64(cfg.Seed)^0x9E3779B97F4A7C15)),
		metricStart:   monthStart(cfg.Year, cfg.Month),
		overflowStart: monthStart(cfg.Year, cfg.Month+1),
		overflowEnd:   monthStart(cfg.Year, cfg.Month+2),
	}
	generatedOn := time.UnixMilli(g.overflowStart + g.between(msDay, 2*msDay))
	g.org, g.tab = newOrganisations(g.rng, cfg.Practices, generatedOn)
	g.stats.Practices = len(g.org.Practices)
	g.stats.ASIDs = g.tab.known
	var err error
	if g.metric, err = newSink(metric, g.tab); err != nil {
		return nil, err
	}
	if g.overflow, err = newSink(overflow, g.tab); err != nil {
		return nil, err
	}
	if manifest != nil {
		g.manifest = newManifestWriter(manifest)
	}
	total := 0
	for _, f := range metricFamilies {
		total += f.weight
		g.weights = append(g.weights, total)
	}
	return g, nil
}

// between returns a uniform random duration in [lo, hi].
func (g *generator) between(lo, hi int64) int64 { return lo + g.rng.Int64N(hi-lo+1) }

func (g *generator) newID() id {
	var x id
	binary.LittleEndian.PutUint64(x[:8], g.rng.Uint64())
	binary.LittleEndian.PutUint64(x[8:], g.rng.Uint64())
	return x
}

// knownASID returns an ASID of the organisation metadata.
func (g *generator) knownASID() int32 { return int32(g.rng.IntN(g.tab.known)) }

// requestingASID returns the ASID of a requesting practice: about 3% are
// unknown to the organisation metadata.
func (g *generator) requestingASID() int32 {
	if g.rng.IntN(100) < 3 {
		return int32(g.tab.known + g.rng.IntN(len(g.tab.asids)-g.tab.known))
	}
	return g.knownASID()
}

// run generates every conversation in order of start, writing the rows
// that come before each start.
func (g *generator) run() {
	n := g.cfg.Conversations
	nPrevCOPC := n / 1000
	nPrev, nOver := n*3/100-nPrevCOPC, n*5/100
	nMetric := n - nPrev - nPrevCOPC - nOver
	edges := nMetric >= 100 // room for the month-edge conversations

	// Transfers of the previous month whose COPC fragments straddle the
	// month's start come first; the others' last acknowledgements arrive
	// in the month's first two days, among the month's own conversations.
	for range nPrevCOPC {
		g.conversation(&previousMonthCOPC, g.metricStart)
	}
	prev := 0
	nextPrev := func() int64 { return g.schedule(g.metricStart, g.metricStart+2*msDay, prev, nPrev) }
	var prevAt int64
	if nPrev > 0 {
		prevAt = nextPrev()
	}
	slots := guaranteedSlots(nMetric)
	for i := range nMetric {
		s := g.schedule(g.metricStart, g.overflowStart, i, nMetric)
		var f *family
		switch {
		case edges && i == 0:
			f, s = &firstMillisecond, g.metricStart
		case edges && i == nMetric-1:
			f, s = &lastMillisecond, g.overflowStart-1
		case slots[i] != nil:
			f = slots[i]
		default:
			f = g.pickMetric()
		}
		if f.margin && s > g.overflowStart-2*msHour {
			f = &metricFamilies[0]
		}
		for prev < nPrev && prevAt <= s {
			g.conversation(&previousMonth, prevAt)
			if prev++; prev < nPrev {
				prevAt = nextPrev()
			}
		}
		g.conversation(f, s)
	}
	for i := range nOver {
		s := g.schedule(g.overflowStart, g.overflowStart+7*msDay, i, nOver)
		f := g.pickOf(overflowMonth)
		if edges && i == 0 {
			f, s = &nextMonth, g.overflowStart
		}
		g.conversation(f, s)
	}
	g.flushBefore(1<<63 - 1)
}

// conversation writes the rows due before s, then generates one
// conversation of family f starting at s.
func (g *generator) conversation(f *family, s int64) {
	g.flushBefore(s)
	req := g.requestingASID()
	snd := g.knownASID()
	for snd == req && g.tab.known > 1 {
		snd = g.knownASID()
	}
	c := conv{g: g, id: g.newID(), req: req, snd: snd, exact: f.exact, noSys: g.rng.IntN(100) < 3}
	f.build(&c, s)
	g.stats.Conversations++
	if f.status != "" {
		g.stats.Transfers++
	}
	if g.manifest != nil {
		g.manifest.write(&c.id, f)
	}
}

// flushBefore writes the queued rows whose key is before t.
func (g *generator) flushBefore(t int64) {
	for g.q.len() > 0 && g.q.minKey() < t {
		r := g.q.pop()
		if r.t < g.overflowStart {
			g.metric.write(r)
		} else {
			g.overflow.write(r)
		}
	}
}

func (g *generator) pickMetric() *family {
	v := g.rng.IntN(g.weights[len(g.weights)-1])
	lo, hi := 0, len(g.weights)-1
	for lo < hi {
		m := (lo + hi) / 2
		if g.weights[m] > v {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return &metricFamilies[lo]
}

func (g *generator) pickOf(fs []family) *family {
	total := 0
	for _, f := range fs {
		total += f.weight
	}
	v := g.rng.IntN(total)
	for i := range fs {
		if v < fs[i].weight {
			return &fs[i]
		}
		v -= fs[i].weight
	}
	return &fs[len(fs)-1]
}

// guaranteedSlots places every metric family once, spread over the month,
// when the month has room for them; slots[i] is the family of the i-th
// conversation or nil.
func guaranteedSlots(nMetric int) []*family {
	slots := make([]*family, nMetric)
	k := len(metricFamilies)
	if nMetric < 4*k {
		return slots
	}
	for j := range metricFamilies {
		slots[1+j*(nMetric-2)/(k+1)] = &metricFamilies[j]
	}
	return slots
}

// schedule returns the start of the i-th of n conversations spread over
// [a, b): in order, one in each of n equal slots, busiest in working hours.
func (g *generator) schedule(a, b int64, i, n int) int64 {
	span := float64(b - a)
	x := int64(span * (float64(i) + g.rng.Float64()) / float64(n))
	day := x / msDay
	p := float64(x%msDay) / float64(msDay)
	var h float64 // hours into the day
	switch {
	case p < 0.04:
		h = p / 0.04 * 7
	case p < 0.90:
		h = 7 + (p-0.04)/0.86*12
	default:
		h = 19 + (p-0.90)/0.10*5
	}
	return min(a+day*msDay+int64(h*float64(msHour)), b-1)
}
