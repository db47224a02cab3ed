package synth

import (
	"bytes"
	"io"

	"github.com/nhsdigital/gp2gp/internal/spine"
	"github.com/nhsdigital/gp2gp/internal/spinelog"
)

// Rows generates the metric month's log of cfg and reads it back as rows,
// each with fields of its own, for benchmarks of what follows the reader.
func Rows(cfg Config) ([]spinelog.Row, error) {
	var metric bytes.Buffer
	if _, err := Generate(cfg, &metric, io.Discard, io.Discard, nil); err != nil {
		return nil, err
	}
	lr, err := spinelog.NewReader(&metric, "synthetic.csv.gz")
	if err != nil {
		return nil, err
	}
	defer lr.Close()
	var rows []spinelog.Row
	for {
		var m spine.Message
		err := lr.Read(&m)
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, err
		}
		rows = append(rows, spinelog.Row{Time: m.Time, ConversationID: []byte(m.ConversationID), GUID: []byte(m.GUID),
			Interaction: []byte(m.Interaction), Sender: []byte(m.Sender), Recipient: []byte(m.Recipient),
			MessageRef: []byte(m.MessageRef), Error: m.Error, ToSystem: []byte(m.ToSystem.String),
			FromSystem: []byte(m.FromSystem.String), HasToSystem: m.ToSystem.Valid, HasFromSystem: m.FromSystem.Valid})
	}
}
