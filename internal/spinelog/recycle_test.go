package spinelog

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
)

// TestBuffersRecycled reads files of many chunks on several goroutines at
// once, each Reader closed at its end or after a few rows, so that closed
// Readers' buffers go to the next ones while decompressors are still
// running: every row read must be the file's own (run with -race, a
// buffer written by two Readers at once is reported too).
func TestBuffersRecycled(t *testing.T) {
	file := func(k int) ([]byte, []string) {
		var b strings.Builder
		b.WriteString(header)
		var ids []string
		for i := range 6000 { // about 1.2 MB: many chunks
			id := fmt.Sprintf("file%d-conversation%d", k, i)
			ids = append(ids, id)
			fmt.Fprintf(&b, `"2019-12-01T10:00:00.000+0000","%s","%s-guid","urn:nhs:names:services:gp2gp/RCMR_IN010000UK05",111,222,NotProvided,NONE,SupA,SupB`+"\n", id, id)
		}
		return gz(t, b.String()), ids
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for k := range 6 {
				data, ids := file(10*g + k)
				rd, err := NewReader(bytes.NewReader(data), "test.csv.gz")
				if err != nil {
					t.Error(err)
					return
				}
				stop := len(ids)
				if k%2 == 1 {
					stop = 7 * k // closed early, its decompressor still running
				}
				var row Row
				for i := range stop {
					if err := rd.ReadRow(&row); err != nil {
						t.Errorf("file %d row %d: %v", 10*g+k, i, err)
						break
					}
					if string(row.ConversationID) != ids[i] {
						t.Errorf("file %d row %d: conversation %q, want %q", 10*g+k, i, row.ConversationID, ids[i])
						break
					}
				}
				rd.Close()
				rd.Close() // twice is harmless
			}
		})
	}
	wg.Wait()
}
