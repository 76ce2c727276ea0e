package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners/direct"
	"github.com/buger/jsonparser"
	"github.com/klauspost/compress/gzip"
	"github.com/parquet-go/parquet-go"
	"github.com/valyala/fastjson"

	"github.com/shopportraits/portraits/pipelines/sampledata/gen"
	"github.com/shopportraits/portraits/transforms/ingest"
	"github.com/shopportraits/portraits/transforms/sources"
)

// decodeRate is one way of reading one source's files, timed on one goroutine.
type decodeRate struct {
	Source string `json:"source"`
	Format string `json:"format"`
	Method string `json:"method"`
	// Passes is how often the files were read; Records and Bytes (on disk) add up over the passes.
	Passes  int           `json:"passes"`
	Records int64         `json:"records"`
	Bytes   int64         `json:"bytes"`
	Took    time.Duration `json:"took_ns"`
	// Load is the load average when the measurement started.
	Load loadAvg `json:"load"`
}

// Rate is records per second.
func (d decodeRate) Rate() float64 { return float64(d.Records) / d.Took.Seconds() }

// ingestMethod names the measurement of the ingest package's own reader.
const ingestMethod = "ingest.Read on the direct runner"

// minTime is how long a plain loop repeats its pass over the files, so that a small source still
// gives a rate and not the timer's resolution.
const minTime = time.Second

// minIngestRecords is how many records the ingest measurement reads at least: a small source's
// tasks are listed several times so that the pipeline's start-up does not dominate.
const minIngestRecords = 200_000

// loop is a plain decoding pass over a source's files: the records and bytes it read.
type loop struct {
	method string
	pass   func(files []string) (records, size int64, err error)
}

// measureDecode times plain decoding loops and the ingest package's reader over the clickstream
// (gzip JSON lines) and account (Parquet) sources of a sources config, one after the other.
func measureDecode(ctx context.Context, sourcesFile string) ([]decodeRate, error) {
	cfg, err := sources.Load(sourcesFile)
	if err != nil {
		return nil, err
	}
	tasks, inputs, err := ingest.Plan(ctx, cfg, sources.Window{})
	if err != nil {
		return nil, err
	}
	var out []decodeRate
	for _, c := range []struct {
		kind, format string
		loops        []loop
	}{
		{"events", sources.FormatJSONL, []loop{
			{"gzip + line split only (no JSON)", gzipLines},
			{"encoding/json Unmarshal, raw values (ingest before)", gzipJSON},
			{"fastjson validate + jsonparser walk (as ingest)", gzipJSONWalk},
		}},
		{"users", sources.FormatParquet, []loop{
			{"parquet-go GenericReader[gen.UserRow]", parquetUsers},
		}},
	} {
		src, ok := findSource(cfg, c.kind, c.format)
		if !ok {
			continue
		}
		var files []string
		for _, in := range inputs {
			if in.Source == src.Name {
				files = append(files, in.File)
			}
		}
		var perPass int64
		for _, l := range c.loops {
			d, err := timeLoop(l, files)
			if err != nil {
				return nil, fmt.Errorf("source %s, %s: %w", src.Name, l.method, err)
			}
			d.Source, d.Format = src.Name, formatOf(src)
			perPass = d.Records / int64(d.Passes)
			out = append(out, d)
		}
		d, err := timeIngest(ctx, cfg, src, tasks, inputs, perPass)
		if err != nil {
			return nil, fmt.Errorf("source %s, %s: %w", src.Name, ingestMethod, err)
		}
		out = append(out, d)
	}
	return out, nil
}

// findSource is the config's first source of a kind and format.
func findSource(cfg *sources.Config, kind, format string) (sources.Source, bool) {
	for _, s := range cfg.Sources {
		if s.Kind == kind && s.Format == format {
			return s, true
		}
	}
	return sources.Source{}, false
}

// formatOf names a source's format as its files show it.
func formatOf(s sources.Source) string {
	if s.Gzip {
		return s.Format + ".gz"
	}
	return s.Format
}

// timeLoop repeats a pass over the files until minTime has passed.
func timeLoop(l loop, files []string) (decodeRate, error) {
	load, err := currentLoad()
	if err != nil {
		return decodeRate{}, err
	}
	d := decodeRate{Method: l.method, Load: load}
	start := time.Now()
	for d.Passes == 0 || time.Since(start) < minTime {
		n, size, err := l.pass(files)
		if err != nil {
			return decodeRate{}, err
		}
		d.Passes++
		d.Records += n
		d.Bytes += size
	}
	d.Took = time.Since(start)
	return d, nil
}

// timeIngest runs the ingest stage alone over one source's read tasks on the direct runner (one
// goroutine, in process), listing the tasks often enough to read minIngestRecords.
func timeIngest(
	ctx context.Context,
	cfg *sources.Config,
	src sources.Source,
	all []ingest.Task,
	inputs []ingest.Input,
	perPass int64,
) (decodeRate, error) {
	var tasks []ingest.Task
	for _, t := range all {
		if t.Source == src.Name {
			tasks = append(tasks, t)
		}
	}
	var size int64
	for _, in := range inputs {
		if in.Source == src.Name {
			size += in.Bytes
		}
	}
	passes := 1
	if perPass > 0 && perPass < minIngestRecords {
		passes = int((minIngestRecords + perPass - 1) / perPass)
	}
	var list []ingest.Task
	for range passes {
		list = append(list, tasks...)
	}
	load, err := currentLoad()
	if err != nil {
		return decodeRate{}, err
	}
	p, s := beam.NewPipelineWithRoot()
	ingest.Read(s, cfg, list)
	start := time.Now()
	res, err := direct.Execute(ctx, p)
	if err != nil {
		return decodeRate{}, err
	}
	took := time.Since(start)
	var records int64
	for _, c := range res.Metrics().AllMetrics().Counters() {
		if c.Namespace() == ingest.Stage && c.Name() == src.Name+".in" {
			records += c.Result()
		}
	}
	return decodeRate{Source: src.Name, Format: formatOf(src), Method: ingestMethod, Passes: passes,
		Records: records, Bytes: size * int64(passes), Took: took, Load: load}, nil
}

// gzipLines reads gzip JSON-lines files and counts their non-empty lines: the floor under any
// JSON decoder.
func gzipLines(files []string) (int64, int64, error) {
	return eachGzipLine(files, func([]byte) bool { return true })
}

// gzipJSON decodes every line as the ingest stage does: json.Unmarshal into a map of raw values.
// A line that is not JSON counts as a record, as ingest counts it in before rejecting it.
func gzipJSON(files []string) (int64, int64, error) {
	return eachGzipLine(files, decodeJSONLine)
}

// gzipJSONWalk checks and walks every line as the ingest stage does a line without escapes:
// fastjson's validator, then jsonparser over the object's keys.
func gzipJSONWalk(files []string) (int64, int64, error) {
	return eachGzipLine(files, walkJSONLine)
}

// walkJSONLine validates one line and visits its keys; it returns whether the line was a JSON
// object.
func walkJSONLine(line []byte) bool {
	if fastjson.ValidateBytes(line) != nil {
		return false
	}
	return jsonparser.ObjectEach(
		line,
		func(_, _ []byte, _ jsonparser.ValueType, _ int) error { return nil },
	) == nil
}

// decodeJSONLine decodes one line into a map of raw values; it returns whether the line was a JSON
// object.
func decodeJSONLine(line []byte) bool {
	var obj map[string]json.RawMessage
	return json.Unmarshal(line, &obj) == nil && obj != nil
}

// eachGzipLine calls fn on every non-empty line of gzip files; it returns the lines and the bytes
// on disk.
func eachGzipLine(files []string, fn func([]byte) bool) (int64, int64, error) {
	return sumFiles(
		files,
		func(file string) (int64, int64, error) { return gzipFileLines(file, fn) },
	)
}

// sumFiles adds up what read gives for each file: records, and bytes on disk.
func sumFiles(files []string, read func(file string) (int64, int64, error)) (int64, int64, error) {
	var records, size int64
	for _, file := range files {
		n, b, err := read(file)
		if err != nil {
			return 0, 0, err
		}
		records += n
		size += b
	}
	return records, size, nil
}

func gzipFileLines(file string, fn func([]byte) bool) (int64, int64, error) {
	f, err := os.Open(file)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, 0, err
	}
	zr, err := gzip.NewReader(f)
	if err != nil {
		return 0, 0, fmt.Errorf("%s: %w", file, err)
	}
	br := bufio.NewReaderSize(zr, 256<<10)
	var n int64
	for {
		line, err := br.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			n++
			fn(line)
		}
		if errors.Is(err, io.EOF) {
			return n, st.Size(), nil
		}
		if err != nil {
			return 0, 0, fmt.Errorf("%s line %d: %w", file, n+1, err)
		}
	}
}

// parquetUsers reads account Parquet files into the generator's row struct, 1024 rows at a time.
func parquetUsers(files []string) (int64, int64, error) {
	buf := make([]gen.UserRow, 1024)
	return sumFiles(
		files,
		func(file string) (int64, int64, error) { return parquetFileRows(file, buf) },
	)
}

func parquetFileRows(file string, buf []gen.UserRow) (int64, int64, error) {
	f, err := os.Open(file)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, 0, err
	}
	r := parquet.NewGenericReader[gen.UserRow](f)
	defer r.Close()
	var n int64
	for {
		k, err := r.Read(buf)
		n += int64(k)
		if errors.Is(err, io.EOF) {
			return n, st.Size(), nil
		}
		if err != nil {
			return 0, 0, fmt.Errorf("%s row %d: %w", file, n+1, err)
		}
	}
}

// currentLoad reads the load average now.
func currentLoad() (loadAvg, error) {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return loadAvg{}, fmt.Errorf("load average: %w", err)
	}
	return parseLoadAvg(string(b))
}
