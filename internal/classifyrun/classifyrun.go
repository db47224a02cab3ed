package classifyrun

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nhsdigital/gp2gp/internal/convstore"
	"github.com/nhsdigital/gp2gp/internal/ods"
	"github.com/nhsdigital/gp2gp/internal/output"
	"github.com/nhsdigital/gp2gp/internal/spine"
	"github.com/nhsdigital/gp2gp/internal/spinelog"
	"github.com/nhsdigital/gp2gp/internal/store"
)

// Config is one run's configuration.
type Config struct {
	SpineBucket  string // INPUT_SPINE_DATA_BUCKET
	ODSBucket    string // INPUT_ODS_METADATA_BUCKET
	OutputBucket string // OUTPUT_TRANSFER_DATA_BUCKET
	BuildTag     string // BUILD_TAG, written to each output's metadata
	// Window is the days to classify and the overflow days to read (see
	// DefaultWindow and ExplicitWindow).
	Window     Window
	CutoffDays int    // CONVERSATION_CUTOFF_DAYS; 0 = no cutoff
	S3Endpoint string // S3_ENDPOINT_URL
	// UK07CoreEHR counts RCMR_IN030000UK07 as a core EHR (classify's
	// default; SPEC-SUCCESSOR §2.4).
	UK07CoreEHR bool
	// SpillThreshold is the compressed size of the files read above which
	// rows are spilled to disk: 0 means DefaultSpillThreshold, negative
	// means always. TempDir is where (os.TempDir if empty).
	SpillThreshold int64
	TempDir        string
	// PartitionSize is how many conversations the store groups; 0 means
	// convstore's default (tests use small ones).
	PartitionSize int
	Log           *slog.Logger
}

// DefaultSpillThreshold is the compressed size of the daily files above
// which a run spills its rows to disk, as run does.
const DefaultSpillThreshold = 32 << 20

// Options are the classifier's options for cfg.
func (cfg *Config) Options() spine.Options {
	return spine.Options{
		Cutoff:      spine.Time(cfg.CutoffDays) * spine.Day,
		WindowStart: spine.Time(cfg.Window.Start().UnixMicro()),
		WindowEnd:   spine.Time(cfg.Window.End().UnixMicro()),
		UK07CoreEHR: cfg.UK07CoreEHR,
	}
}

// Run classifies the window and publishes its days' tables. It reads and
// classifies everything first, encoding each day's table to a temporary
// file or memory; only then does it write the tables, and it removes those
// written if a later one fails. On failure the summary, if not nil, says
// how far it got.
func Run(ctx context.Context, cfg Config) (*Summary, error) {
	return run(ctx, cfg, options{})
}

// options are a run's settings that only tests change.
type options struct {
	noStream bool  // never classify during the read
	heldMax  int64 // the stream's limit on rows in memory; 0 means DefaultHeldLimit
}

func run(ctx context.Context, cfg Config, o options) (*Summary, error) {
	start := time.Now()
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	w := cfg.Window

	opts := store.Options{EndpointURL: cfg.S3Endpoint}
	spineB, err := store.Open(ctx, cfg.SpineBucket, opts)
	if err != nil {
		return nil, fmt.Errorf("spine bucket: %w", err)
	}
	defer spineB.Close()
	odsB, err := store.Open(ctx, cfg.ODSBucket, opts)
	if err != nil {
		return nil, fmt.Errorf("ODS metadata bucket: %w", err)
	}
	defer odsB.Close()
	outB, err := store.Open(ctx, cfg.OutputBucket, opts)
	if err != nil {
		return nil, fmt.Errorf("output bucket: %w", err)
	}
	defer outB.Close()

	// Every daily file must exist, before any is read.
	files := append(append([]time.Time(nil), w.Days...), w.Overflow...)
	var total int64
	for _, d := range files {
		key := SpineKey(d)
		size, err := spineB.Size(ctx, key)
		if err != nil { // the store's error names the object
			return nil, fmt.Errorf("daily Spine file: %w", err)
		}
		total += size
	}
	if len(w.Days) > 0 {
		if err := outB.CheckWritable(ctx, OutputKey(cfg.CutoffDays, w.Days[0])); err != nil {
			return nil, fmt.Errorf("output bucket: %w", err)
		}
	}
	lookups, err := readODS(ctx, odsB, w.Days, log)
	if err != nil {
		return nil, err
	}
	newSum := func() *Summary {
		sum := newSummary(&cfg)
		for i, l := range lookups {
			sum.Days[i].ODSMetadataMonth = l.month.String()
		}
		return sum
	}

	dir, err := os.MkdirTemp(cfg.TempDir, "gp2gp-classify-*")
	if err != nil {
		return nil, fmt.Errorf("temporary directory: %w", err)
	}
	defer os.RemoveAll(dir)
	var tables []encoded
	r := reading{ctx: ctx, b: spineB, files: files, cfg: &cfg, lookups: lookups, sum: newSum(), dir: dir, log: log}
	if cfg.CutoffDays > 0 && !o.noStream {
		tables, err = r.streaming(orDefault64(o.heldMax, DefaultHeldLimit))
		if isRestart(err) {
			log.Warn("reading the files again, to classify after the read", "reason", err)
			r.sum = newSum()
			tables, err = r.thenClassify(total)
		}
	} else {
		tables, err = r.thenClassify(total)
	}
	if err != nil {
		return nil, err
	}
	sum := r.sum
	if sum.UnknownASIDTransfers > 0 {
		log.Warn("practices whose ASID the ODS metadata does not know have null ODS columns",
			"event", "UNKNOWN_ODS_CODE_FOR_CONVERSATION", "practices", sum.UnknownASIDTransfers)
	}
	if sum.IntegratedWithoutSenderMessage > 0 {
		log.Warn("integrated transfers with no sending-practice message at or before the final ack have a null last_sender_message_timestamp (the reference crashed)",
			"count", sum.IntegratedWithoutSenderMessage)
	}

	// Publish the days' tables, all or none.
	if err := publish(ctx, outB, &cfg, lookups, tables, sum, log); err != nil {
		return sum, err
	}
	sum.Published = true
	sum.ElapsedSeconds = time.Since(start).Seconds()
	log.Info("published", "days", len(w.Days), "transfers", sum.Transfers)
	return sum, nil
}

// reading is the read and classification of a run's files.
type reading struct {
	ctx     context.Context
	b       *store.Bucket
	files   []time.Time
	cfg     *Config
	lookups []*lookup
	sum     *Summary
	dir     string // a temporary directory
	log     *slog.Logger
}

// streaming reads the files and classifies each partition as soon as it is
// final, encoding each day's table as soon as it is settled (see
// stream.go). It fails with an errRestart if the files do not allow it.
func (r *reading) streaming(heldMax int64) ([]encoded, error) {
	cfg := r.cfg
	st := convstore.New(convstore.Options{PartitionSize: cfg.PartitionSize, Cutoff: cfg.Options().Cutoff})
	defer st.Close()
	s := startStream(r.ctx, st, cfg, r.lookups, r.sum, r.dir, heldMax)
	var inputs []InputSummary
	readErr := r.eachFile(func(l *dailyLog) error {
		in, err := readFile(r.ctx, l, st, s.added)
		if err == nil {
			inputs = append(inputs, in)
		}
		return err
	})
	if readErr == nil {
		readErr = st.Finish()
	}
	w, err := s.end()
	if readErr != nil {
		return nil, readErr
	}
	if err != nil {
		return nil, err
	}
	for _, in := range inputs {
		r.sum.addInput(in)
	}
	w.lateRows(st)
	r.sum.ConversationsClassifiedWhileReading, r.sum.DaysEncodedWhileReading = r.sum.Conversations, w.encoded
	r.log.Info("classified while reading", "conversations", r.sum.Conversations, "days", w.encoded, "partitions_left", st.Partitions()-st.Taken())
	if err := classify(r.ctx, st, st.Taken(), cfg, r.lookups, r.sum, w.sink); err != nil {
		return nil, err
	}
	st.Close()
	if err := encodeDays(r.ctx, w.sink, r.dir, w.tables, w.encoded, r.key); err != nil {
		return nil, err
	}
	r.sum.ClassifiedWhileReading = true
	return w.tables, nil
}

// thenClassify reads every file, spilling the rows to disk if the files
// are larger than the threshold, then classifies them.
func (r *reading) thenClassify(total int64) ([]encoded, error) {
	cfg := r.cfg
	spill := cfg.SpillThreshold < 0 || total > orDefault64(cfg.SpillThreshold, DefaultSpillThreshold)
	dir := ""
	if spill {
		dir = r.dir
	}
	r.sum.Spilled = spill
	st := convstore.New(convstore.Options{Dir: dir, PartitionSize: cfg.PartitionSize})
	defer st.Close()
	err := r.eachFile(func(l *dailyLog) error {
		in, err := readFile(r.ctx, l, st, nil)
		if err == nil {
			r.sum.addInput(in)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := st.Finish(); err != nil {
		return nil, err
	}

	// Classify, and sort the transfers into their days.
	var sink daySink = newMemSink(len(cfg.Window.Days))
	if spill {
		fs, err := newFileSink(dir, len(cfg.Window.Days))
		if err != nil {
			return nil, err
		}
		sink = fs
	}
	defer sink.close()
	if err := classify(r.ctx, st, 0, cfg, r.lookups, r.sum, sink); err != nil {
		return nil, err
	}
	st.Close() // its memory or files are no longer needed

	// Encode every day (in memory, or to a file each when spilling).
	tables := make([]encoded, len(cfg.Window.Days))
	if err := encodeDays(r.ctx, sink, dir, tables, 0, r.key); err != nil {
		return nil, err
	}
	return tables, nil
}

// key is day i's output key.
func (r *reading) key(i int) string { return OutputKey(r.cfg.CutoffDays, r.cfg.Window.Days[i]) }

// publishers is how many tables are written at once: an S3 PUT is mostly
// waiting for the network, and a year has 366.
const publishers = 8

// publish writes the days' tables, a few at once, all or none: if one
// fails, those written are removed and the first day's error is returned.
// It records each day's object and metadata in sum.
func publish(ctx context.Context, b *store.Bucket, cfg *Config, lookups []*lookup, tables []encoded, sum *Summary, log *slog.Logger) error {
	days := cfg.Window.Days
	metas := make([]map[string]string, len(days))
	errs := make([]error, len(days))
	written := make([]bool, len(days))
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(publishers, len(days)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(days) || wctx.Err() != nil {
					return
				}
				metas[i] = Metadata(cfg.CutoffDays, cfg.BuildTag, days[i], lookups[i].month)
				opts := store.WriteOptions{ContentType: "application/octet-stream", Metadata: metas[i]}
				if errs[i] = b.WriteFileWith(wctx, OutputKey(cfg.CutoffDays, days[i]), opts, tables[i].writeTo); errs[i] != nil {
					cancel() // stop the others
					return
				}
				written[i] = true
			}
		})
	}
	wg.Wait()
	err := ctx.Err()
	for _, e := range errs { // the first day's that failed, other than those stopped
		if e != nil && (err == nil || errors.Is(err, context.Canceled) && !errors.Is(e, context.Canceled)) {
			err = e
		}
	}
	if err != nil {
		for i, w := range written {
			if !w {
				continue
			}
			k := OutputKey(cfg.CutoffDays, days[i])
			if derr := b.Delete(context.WithoutCancel(ctx), k); derr != nil {
				log.Error("could not remove an output after another failed", "object", b.URL(k), "error", derr)
			}
		}
		return err // the store's error names the object
	}
	for i, d := range days {
		sum.Days[i].Output = b.URL(OutputKey(cfg.CutoffDays, d))
		sum.Days[i].Metadata = metas[i]
	}
	return nil
}

func orDefault64(v, def int64) int64 {
	if v == 0 {
		return def
	}
	return v
}

// Metadata is a day's S3 user metadata (SPEC-SUCCESSOR §1.4).
func Metadata(cutoffDays int, buildTag string, d time.Time, m Month) map[string]string {
	return map[string]string{
		"cutoff-days":        strconv.Itoa(cutoffDays),
		"build-tag":          buildTag,
		"start-datetime":     ods.PyIsoFormat(d, true),
		"end-datetime":       ods.PyIsoFormat(d.Add(Day), true),
		"ods-metadata-month": m.String(),
	}
}

// readODS reads the metadata of the window days' months, or of the month
// before one that is missing, and returns each day's lookup: its month's,
// else the previous month's (SPEC-SUCCESSOR §1.3, the per-day fallback †).
func readODS(ctx context.Context, b *store.Bucket, days []time.Time, log *slog.Logger) ([]*lookup, error) {
	loaded := map[Month]*lookup{} // by the JSON's year and month
	tried := map[Month]bool{}
	load := func(m Month) error {
		if tried[m] {
			return nil
		}
		tried[m] = true
		body, err := readAll(ctx, b, ODSKey(m))
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("ODS metadata: %w", err)
		}
		l, err := parseLookup(body)
		if err != nil {
			return fmt.Errorf("ODS metadata %s: %w", b.URL(ODSKey(m)), err)
		}
		loaded[l.month] = l
		return nil
	}
	out := make([]*lookup, len(days))
	for i, d := range days {
		m := MonthOf(d)
		if err := load(m); err != nil {
			return nil, err
		}
		if l := loaded[m]; l != nil {
			out[i] = l
			continue
		}
		if err := load(m.Previous()); err != nil {
			return nil, err
		}
		l := loaded[m.Previous()]
		if l == nil {
			log.Error("no ODS metadata for the day's month or the month before", "event", "MISSING_PREVIOUS_MONTH_ODS_METADATA", "day", d.Format(time.DateOnly))
			return nil, fmt.Errorf("ODS metadata for %s: neither %s nor %s exists", d.Format(time.DateOnly), b.URL(ODSKey(m)), b.URL(ODSKey(m.Previous())))
		}
		log.Warn("the day's ODS metadata is missing: using the previous month's", "day", d.Format(time.DateOnly), "missing", b.URL(ODSKey(m)), "used", b.URL(ODSKey(m.Previous())))
		out[i] = l
	}
	return out, nil
}

func readAll(ctx context.Context, b *store.Bucket, key string) ([]byte, error) {
	r, err := b.NewReader(ctx, key)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	body, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", b.URL(key), err)
	}
	return body, nil
}

// dailyLog is a daily file opened for reading: its decompression starts
// as it is opened.
type dailyLog struct {
	url  string
	body io.ReadCloser
	lr   *spinelog.Reader
	err  error
}

func openLog(ctx context.Context, b *store.Bucket, key string) *dailyLog {
	l := &dailyLog{url: b.URL(key)}
	if l.body, l.err = b.NewReader(ctx, key); l.err != nil {
		l.err = fmt.Errorf("daily Spine file: %w", l.err)
		return l
	}
	if l.lr, l.err = spinelog.NewReader(l.body, path.Base(key)); l.err != nil {
		l.err = fmt.Errorf("daily Spine file %s: %w", l.url, l.err)
	}
	return l
}

func (l *dailyLog) close() {
	if l.lr != nil {
		l.lr.Close()
	}
	if l.body != nil {
		l.body.Close()
	}
}

// eachFile calls read with each file in turn, opening each while the one
// before is read: the next file's decompression then starts while the last
// rows of this one are parsed, instead of after.
func (r *reading) eachFile(read func(*dailyLog) error) error {
	open := func(d time.Time) <-chan *dailyLog {
		ch := make(chan *dailyLog, 1)
		go func() { ch <- openLog(r.ctx, r.b, SpineKey(d)) }()
		return ch
	}
	var next <-chan *dailyLog
	if len(r.files) > 0 {
		next = open(r.files[0])
	}
	for i := range r.files {
		l := <-next
		next = nil
		if i+1 < len(r.files) {
			next = open(r.files[i+1])
		}
		r.log.Info("reading", "object", l.url)
		err := l.err
		if err == nil {
			err = read(l)
		}
		l.close()
		if err != nil {
			if next != nil {
				(<-next).close()
			}
			return err
		}
	}
	return nil
}

// readFile streams one daily file into st, counting its rows; rejected
// rows are skipped and counted. If added is set, it is called after each
// row is added.
func readFile(ctx context.Context, l *dailyLog, st *convstore.Store, added func(context.Context) error) (InputSummary, error) {
	in := InputSummary{Object: l.url}
	lr := l.lr
	var row spinelog.Row
	for n := 0; ; n++ {
		if err := lr.ReadRow(&row); err != nil {
			if err == io.EOF {
				break
			}
			if _, ok := errors.AsType[*spinelog.ParseError](err); ok {
				continue
			}
			return in, fmt.Errorf("daily Spine file %s: %w", l.url, err)
		}
		if err := st.Add(&row); err != nil {
			return in, err
		}
		if added != nil {
			if err := added(ctx); err != nil {
				return in, err
			}
		}
		if n%4096 == 0 && ctx.Err() != nil {
			return in, ctx.Err()
		}
	}
	if err := ctx.Err(); err != nil {
		return in, err
	}
	s := lr.Stats()
	in.RowsRead, in.RowsAccepted, in.RowsRejected = int(s.Records), int(s.Accepted), int(s.Rejected)
	return in, nil
}

// classify classifies the conversations of st's partitions from on and
// adds each window day's transfers, enriched with its day's lookup, to
// sink, in first-seen order. Partitions are classified on several
// goroutines and added in partition order; at most a few are in flight.
func classify(ctx context.Context, st *convstore.Store, from int, cfg *Config, lookups []*lookup, sum *Summary, sink daySink) error {
	opt := cfg.Options()
	n := st.Partitions()
	workers := max(1, min(runtime.GOMAXPROCS(0), n-from))
	results := make([]chan *partition, n)
	for k := range results[from:] {
		results[from+k] = make(chan *partition, 1)
	}
	tokens := make(chan struct{}, 2*workers)
	ctx, cancel := context.WithCancel(ctx)
	var next atomic.Int64
	next.Store(int64(from))
	var wg sync.WaitGroup
	defer func() { cancel(); wg.Wait() }() // stop the workers first
	for range workers {
		wg.Go(func() {
			r := st.NewReader()
			var k spine.Classifier
			var buf []spine.Message
			for {
				select {
				case tokens <- struct{}{}:
				case <-ctx.Done():
					return
				}
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				c, err := r.Read(i)
				if err != nil {
					results[i] <- &partition{err: err}
					continue
				}
				results[i] <- classifyPartition(r, c, &k, &buf, opt, lookups)
			}
		})
	}
	for i := from; i < n; i++ {
		var p *partition
		select {
		case p = <-results[i]:
		case <-ctx.Done():
			return ctx.Err()
		}
		<-tokens
		if p.err != nil {
			return p.err
		}
		sum.addPartition(p)
		for j := range p.transfers {
			if err := sink.add(p.days[j], &p.transfers[j]); err != nil {
				return err
			}
		}
	}
	return nil
}

// partition is one partition's classification: its transfers and their
// window days, in first-seen order, and its accounting.
type partition struct {
	transfers []output.V11Transfer
	days      []int
	convDays  []int32 // by conversation: its transfer's window day, or -1
	tally
	err error
}

// tally counts a partition's conversations and messages (see Summary).
type tally struct {
	conversations, noRequest, outside, unknownASIDs, integratedNoSender int
	messages                                                            []int // by spine.Disposition
	byDay                                                               map[int]*dayTally
}

type dayTally struct {
	transfers int
	statuses  map[spine.Status]int
	messages  []int
}

// numDispositions is the number of message dispositions.
var numDispositions = len(spine.Dispositions())

// classifyPartition classifies the n conversations of the partition r
// read last.
func classifyPartition(r *convstore.Reader, n int, k *spine.Classifier, buf *[]spine.Message, opt spine.Options, lookups []*lookup) *partition {
	p := &partition{tally: tally{byDay: map[int]*dayTally{}, messages: make([]int, numDispositions)}, convDays: make([]int32, n),
		transfers: make([]output.V11Transfer, 0, n), days: make([]int, 0, n)} // nearly all are transfers
	for i := range n {
		p.convDays[i] = -1
		conv := r.Conversation(i, *buf)
		*buf = conv.Messages
		c := k.Classify(conv, opt)
		p.conversations++
		switch c.Skip {
		case spine.SkipNoRequest:
			p.noRequest++
		case spine.SkipOutsideWindow:
			p.outside++
		}
		for _, d := range c.Disposition {
			p.messages[d]++
		}
		if c.Skip != spine.NotSkipped {
			continue
		}
		day := int(time.Duration(c.Transfer.DateRequested-opt.WindowStart) * time.Microsecond / Day)
		dt := p.byDay[day]
		if dt == nil {
			dt = &dayTally{statuses: map[spine.Status]int{}, messages: make([]int, numDispositions)}
			p.byDay[day] = dt
		}
		dt.transfers++
		dt.statuses[c.Transfer.Status]++
		for _, d := range c.Disposition {
			dt.messages[d]++
		}
		t := output.V11Transfer{Transfer: new(c.Transfer)}
		var known bool
		l := lookups[day]
		if t.Requesting, known = l.practice(c.Transfer.RequestingASID); !known {
			p.unknownASIDs++
		}
		if t.Sending, known = l.practice(c.Transfer.SendingASID); !known {
			p.unknownASIDs++
		}
		t.LastSenderMessage, t.HasLastSender = c.LastSenderMessage()
		if !t.HasLastSender && c.Facts.Integrated {
			p.integratedNoSender++
		}
		p.transfers = append(p.transfers, t)
		p.days = append(p.days, day)
		p.convDays[i] = int32(day)
	}
	return p
}

// encodeDays encodes the tables of days from on into tables, several at
// once.
func encodeDays(ctx context.Context, sink daySink, dir string, tables []encoded, from int, key func(int) string) error {
	n := len(tables)
	errs := make([]error, n)
	var next atomic.Int64
	next.Store(int64(from))
	var wg sync.WaitGroup
	for range max(1, min(runtime.GOMAXPROCS(0), n-from)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n || ctx.Err() != nil {
					return
				}
				ts, err := sink.take(i)
				if err == nil {
					tables[i], err = encode(dir, i, ts)
				}
				if err != nil {
					errs[i] = fmt.Errorf("encode %s: %w", key(i), err)
					next.Store(int64(n)) // stop the others
					return
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err // the first day's that failed
		}
	}
	return ctx.Err()
}

// encoded is one day's table: its bytes, or the file holding them.
type encoded struct {
	data []byte
	file string
}

// encode writes one day's table, to a file in dir if dir is set.
func encode(dir string, i int, ts []output.V11Transfer) (encoded, error) {
	if dir == "" {
		var buf bytes.Buffer
		err := output.WriteV11(&buf, ts)
		return encoded{data: buf.Bytes()}, err
	}
	name := filepath.Join(dir, fmt.Sprintf("day-%d.parquet", i))
	f, err := os.Create(name)
	if err != nil {
		return encoded{}, err
	}
	bw := bufio.NewWriter(f)
	err = output.WriteV11(bw, ts)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return encoded{file: name}, err
}

func (e encoded) writeTo(w io.Writer) error {
	if e.file == "" {
		_, err := w.Write(e.data)
		return err
	}
	f, err := os.Open(e.file)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}
