package output

import (
	"github.com/klauspost/compress/s2"
	"github.com/parquet-go/parquet-go/compress/snappy"
)

// fastSnappy is the SNAPPY codec with a faster encoder. parquet-go's
// (parquet.Snappy) encodes with klauspost/compress's snappy.Encode, which
// is s2.EncodeSnappyBetter; this one encodes with s2.EncodeSnappy, s2's
// fastest snappy-compatible encoder. Both write standard snappy blocks,
// which every snappy decoder reads: only how hard the encoder looks for
// matches differs. Decoding is parquet-go's.
//
// The v11 tables use it: on the bench year (366 tables, 2 M transfers)
// it takes WriteV11 from 3.7 to 2.9 CPU-s, for 10% more bytes (206 to
// 228 MB), which read back no slower. transfers.parquet does not: there
// the encoder is a small part of the run (0.3 of a 1 M-conversation
// month's 15.6 CPU-s), and the file, the reference's public output,
// would grow by the same 10%.
type fastSnappy struct{ snappy.Codec }

// Encode compresses src as one snappy block, into dst if it is large
// enough.
func (fastSnappy) Encode(dst, src []byte) ([]byte, error) {
	return s2.EncodeSnappy(dst, src), nil
}
