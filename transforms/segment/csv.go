package segment

import (
	"bytes"
	"context"
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	// Local files and Google Cloud Storage, where runs are written.
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/gcs"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/google/uuid"

	"github.com/shopportraits/portraits/transforms/fnreg"
	"github.com/shopportraits/portraits/transforms/sink"
)

// CSVFolder is the folder of the activation files inside a run folder (OUTPUT/dt=DATE).
const CSVFolder = "activation_csv"

// CSVHeader is the first line of every activation file: lower-case MD5 and SHA-256 hex of the
// E.164 phone, the hashed-phone columns ad platforms' customer-list uploads take.
const CSVHeader = "phone_md5,phone_sha256"

// ActivationFile is one activation CSV file a run wrote: a segment's full list, or the lines
// added to it or removed from it since the previous night.
type ActivationFile struct {
	// Segment is the activated rule segment.
	Segment string
	// Change is "" for the full list, Added or Removed for a changes file.
	Change string
	// Path is the file, relative to the run folder: activation_csv/<segment>.csv, or
	// activation_csv/changes/<segment>.<change>.csv.
	Path string
	// Rows is the number of lines after the header: distinct phones.
	Rows int64
}

// writeCSVs writes one CSV file per activated segment (header only when nobody qualifies) and,
// once all are in place, removes the files of segments no longer activated. Each file is built on
// one worker: about 100 bytes an audience member, 100 MB at a million.
func writeCSVs(s beam.Scope, cfg Config, lines beam.PCollection) beam.PCollection {
	s = s.Scope("activation.CSV")
	if cfg.Output == "" {
		return beam.CreateList(s, []ActivationFile{})
	}
	markers := beam.ParDo(s, emptyLine, beam.CreateList(s, activated(cfg.Rules)))
	dir := runFile(cfg.Output, cfg.Date, CSVFolder)
	written := beam.ParDo(s, &writeCSVFn{Dir: dir, Folder: CSVFolder},
		beam.GroupByKey(s, beam.Flatten(s, lines, markers)))
	return beam.ParDo(s, &settleCSVFn{Dir: dir}, beam.Impulse(s), beam.SideInput{Input: written})
}

// writeChangeCSVs writes each segment's lines added and removed since last night
// (KV<"segment.added"|"segment.removed", line>), both files for every activated segment, into
// the changes folder, which is the night's own (a run folder starts empty).
func writeChangeCSVs(s beam.Scope, cfg Config, lines beam.PCollection) beam.PCollection {
	s = s.Scope("activation.ChangesCSV")
	if cfg.Output == "" {
		return beam.CreateList(s, []ActivationFile{})
	}
	var names []string
	for _, seg := range activated(cfg.Rules) {
		names = append(names, seg+"."+Added, seg+"."+Removed)
	}
	markers := beam.ParDo(s, emptyLine, beam.CreateList(s, names))
	folder := CSVFolder + "/" + ChangesFolder
	return beam.ParDo(s, &writeCSVFn{Dir: runFile(cfg.Output, cfg.Date, folder), Folder: folder},
		beam.GroupByKey(s, beam.Flatten(s, lines, markers)))
}

// runFile joins a run folder's path: local or gs://.
func runFile(output, date string, elems ...string) string {
	out := strings.TrimRight(output, "/") + "/dt=" + date
	for _, e := range elems {
		out += "/" + strings.Trim(e, "/")
	}
	return out
}

// emptyLine makes sure every activated segment gets its file.
func emptyLine(segment string) (string, string) { return segment, "" }

// csvContent is a file's bytes: the header, then the distinct lines sorted.
func csvContent(lines []string) ([]byte, int64) {
	slices.Sort(lines)
	lines = slices.Compact(lines)
	if len(lines) > 0 && lines[0] == "" {
		lines = lines[1:]
	}
	var b bytes.Buffer
	b.WriteString(CSVHeader + "\n")
	for _, l := range lines {
		b.WriteString(l + "\n")
	}
	return b.Bytes(), int64(len(lines))
}

// writeCSVFn writes one file, named by its key (a segment, or segment.change), to a temporary
// name, then renames it into place. Folder is Dir relative to the run folder.
type writeCSVFn struct {
	Dir, Folder string
}

func (f *writeCSVFn) ProcessElement(ctx context.Context, key string, iter func(*string) bool,
	emit func(ActivationFile)) error {
	var lines []string
	var l string
	for iter(&l) {
		lines = append(lines, l)
	}
	data, n := csvContent(lines)
	name := key + ".csv"
	tmp := f.Dir + "/." + key + "." + uuid.NewString() + ".tmp"
	if err := sink.WriteBytes(ctx, tmp, data); err != nil {
		return fmt.Errorf("segment: %w", err)
	}
	if err := sink.Rename(ctx, tmp, f.Dir+"/"+name); err != nil {
		return fmt.Errorf("segment: %w", err)
	}
	segment, change, _ := strings.Cut(key, ".")
	emit(ActivationFile{Segment: segment, Change: change, Path: f.Folder + "/" + name, Rows: n})
	return nil
}

// settleCSVFn runs once every file is written: it removes anything else in the folder (files of
// segments no longer activated, temporary files of failed attempts) but the changes folder, and
// lists the files written.
type settleCSVFn struct {
	Dir string
}

func (f *settleCSVFn) ProcessElement(
	ctx context.Context,
	_ []byte,
	written func(*ActivationFile) bool,
	emit func(ActivationFile),
) error {
	var files []ActivationFile
	keep := map[string]bool{ChangesFolder: true}
	var a ActivationFile
	for written(&a) {
		files = append(files, a)
		keep[path.Base(a.Path)] = true
	}
	fs, err := filesystem.New(ctx, f.Dir)
	if err != nil {
		return fmt.Errorf("segment: %s: %w", f.Dir, err)
	}
	defer fs.Close()
	found, err := fs.List(ctx, f.Dir+"/*")
	if err != nil {
		return fmt.Errorf("segment: list %s: %w", f.Dir, err)
	}
	for _, file := range found {
		if keep[path.Base(file)] {
			continue
		}
		rm, ok := fs.(filesystem.Remover)
		if !ok {
			return fmt.Errorf("segment: the filesystem of %s cannot remove files", f.Dir)
		}
		if err := rm.Remove(ctx, file); err != nil {
			return fmt.Errorf("segment: remove %s: %w", file, err)
		}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Segment < files[j].Segment })
	for _, a := range files {
		emit(a)
	}
	return nil
}

func init() {
	beam.RegisterType(typeOf[ActivationFile]())
	register.Function1x2(emptyLine)
	fnreg.DoFn4x1[context.Context, string, func(*string) bool, func(ActivationFile), error](
		&writeCSVFn{},
	)
	fnreg.DoFn4x1[context.Context, []byte, func(*ActivationFile) bool, func(ActivationFile), error](
		&settleCSVFn{},
	)
	register.Emitter1[ActivationFile]()
	register.Iter1[ActivationFile]()
}
