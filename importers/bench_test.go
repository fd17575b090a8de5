package importers

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkParse parses every message of the corpus once per iteration and
// reports messages per second.
func BenchmarkParse(b *testing.B) {
	var msgs [][]byte
	var size int64
	for _, p := range []string{"testdata/mail/*.eml", "testdata/charsets/*.eml"} {
		files, err := filepath.Glob(p)
		if err != nil {
			b.Fatal(err)
		}
		for _, f := range files {
			raw, err := os.ReadFile(f)
			if err != nil {
				b.Fatal(err)
			}
			msgs = append(msgs, raw)
			size += int64(len(raw))
		}
	}
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, raw := range msgs {
			if _, err := Parse(raw, Options{}); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.N*len(msgs))/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkReadMbox splits a 20,000-message mbox held in memory and reports
// messages per second.
func BenchmarkReadMbox(b *testing.B) {
	const n = 20000
	data, err := io.ReadAll(&generatedMbox{n: n})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		count := 0
		err := ReadMbox(bytes.NewReader(data), func([]byte, int, int64) error { count++; return nil })
		if err != nil || count != n {
			b.Fatalf("%d messages, err %v", count, err)
		}
	}
	b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "msgs/s")
}
