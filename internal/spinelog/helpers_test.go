package spinelog

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/nhsdigital/gp2gp/internal/spine"
)

// header is the column order of real exports.
const header = `"_time",conversationID,GUID,interactionID,messageSender,messageRecipient,messageRef,jdiEvent,toSystem,fromSystem` + "\n"

// gz compresses s.
func gz(tb testing.TB, s string) []byte {
	tb.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := io.WriteString(w, s); err != nil {
		tb.Fatal(err)
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// result is everything a Reader yields for one file.
type result struct {
	msgs  []spine.Message
	perrs []*ParseError
	err   error // the error that ended reading, nil for io.EOF
	stats Stats
}

// readAll reads a compressed log to its end. It fails the test if Read
// returns anything but a message, a *ParseError, a *FileError or io.EOF, or if
// an ending error is not sticky.
func readAll(tb testing.TB, data []byte) result {
	tb.Helper()
	rd, err := NewReader(bytes.NewReader(data), "test.csv.gz")
	if err != nil {
		return result{err: err}
	}
	var res result
	for i := 0; ; i++ {
		if i > 10_000_000 {
			tb.Fatal("Read does not end")
		}
		var m spine.Message
		err := rd.Read(&m)
		var pe *ParseError
		switch {
		case err == nil:
			res.msgs = append(res.msgs, m)
			continue
		case errors.As(err, &pe):
			res.perrs = append(res.perrs, pe)
			continue
		case err == io.EOF:
		case errors.As(err, new(*FileError)):
			res.err = err
		default:
			tb.Fatalf("Read returned %T %v", err, err)
		}
		if again := rd.Read(&m); again != err {
			tb.Fatalf("Read after %v returned %v", err, again)
		}
		res.stats = rd.Stats()
		return res
	}
}

// at returns the spine.Time of a UTC date and time.
// It uses package time, independent of the code under test.
func at(y int, mo time.Month, d, h, mi, s, micro int) spine.Time {
	return spine.Time(time.Date(y, mo, d, h, mi, s, micro*1000, time.UTC).UnixMicro())
}
