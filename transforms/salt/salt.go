// Package salt decides where a run's hashing salt comes from, and reads it there. The salt keys
// every salted hash of a personal identifier (normalize.Hash): whoever knows it can hash guesses
// (every mobile number is a small space) and compare, so it must be secret and long. The one salt
// the repository holds, the bundled sample's, may hash only the sample's own synthetic files.
//
// A Source names a place (an environment variable, a file, a secret in a secret manager, the
// built-in sample salt) and never holds the salt, so it can travel in the job graph: each worker
// reads the salt from the place itself. Workers in other processes or on other machines do not
// share the launcher's environment, so production runs name a place every worker can read (a
// secret; see package gcpsecret). Kinds of places plug in through Register; Choose makes the run's
// decision once, at launch.
package salt

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
)

// MinBytes is the shortest salt accepted: 16 bytes, 128 bits if they are random.
const MinBytes = 16

// Source names where a salt is read: a kind of place, registered with Register, and a name within
// it (the environment variable's name; empty for the sample).
type Source struct {
	Kind string
	Name string
}

// The kinds this package provides.
const (
	// KindEnv reads an environment variable, named by Source.Name, on the launcher and each worker.
	KindEnv = "env"
	// KindFile reads a file, named by Source.Name (a local path or one of Beam's filesystems),
	// without its trailing line break.
	KindFile = "file"
	// KindSample is the built-in salt of the bundled sample data.
	KindSample = "sample"
)

// Env is the source that reads the environment variable name.
func Env(name string) Source { return Source{Kind: KindEnv, Name: name} }

// File is the source that reads the file at path, which every worker must be able to open.
func File(path string) Source { return Source{Kind: KindFile, Name: path} }

// Sample is the bundled sample's built-in salt. Only Choose decides that a run may use it; tests
// over synthetic rows may use it directly.
var Sample = Source{Kind: KindSample}

// A Provider reads salts from one kind of place.
type Provider interface {
	// Lookup returns the salt held under name. found is false when the place holds none (an
	// unset variable), so that Choose goes on to the next source; err is for a place that could
	// not be read.
	Lookup(ctx context.Context, name string) (value string, found bool, err error)
	// Describe names the place under name for people, without its salt.
	Describe(name string) string
}

var providers = map[string]Provider{}

// Register makes a kind of place available to Sources; it is meant for init functions, and
// registering a kind twice panics.
func Register(kind string, p Provider) {
	if _, dup := providers[kind]; dup {
		panic(fmt.Sprintf("salt: kind %q registered twice", kind))
	}
	providers[kind] = p
}

func (s Source) provider() (Provider, error) {
	p, ok := providers[s.Kind]
	if !ok {
		return nil, fmt.Errorf("hashing salt: unknown source kind %q", s.Kind)
	}
	return p, nil
}

// String names the source for logs and messages: never the salt.
func (s Source) String() string {
	p, err := s.provider()
	if err != nil {
		return fmt.Sprintf("unknown source kind %q", s.Kind)
	}
	return p.Describe(s.Name)
}

// Read returns the salt held by the source. A source that holds none, or a salt shorter than
// MinBytes, is an error.
func (s Source) Read(ctx context.Context) (string, error) {
	v, found, err := s.lookup(ctx)
	if err != nil {
		return "", err
	}
	if !found {
		return "", fmt.Errorf("no hashing salt: %s holds none", s)
	}
	return v, nil
}

// lookup reads the source and checks what it holds.
func (s Source) lookup(ctx context.Context) (string, bool, error) {
	p, err := s.provider()
	if err != nil {
		return "", false, err
	}
	v, found, err := p.Lookup(ctx, s.Name)
	if err != nil {
		return "", false, fmt.Errorf("hashing salt from %s: %w", s, err)
	}
	if !found {
		return "", false, nil
	}
	if err := check(v); err != nil {
		return "", false, fmt.Errorf("hashing salt from %s: %w", s, err)
	}
	return v, true, nil
}

// check refuses a salt too short, or made of spaces, to keep the hashes from being reversed.
func check(v string) error {
	if len(v) < MinBytes {
		return fmt.Errorf("%d bytes, at least %d needed (openssl rand -hex 32 makes one)",
			len(v), MinBytes)
	}
	if strings.TrimSpace(v) == "" {
		return fmt.Errorf("only white space")
	}
	return nil
}

// Choose decides a run's source: the first of configured that holds a salt, which must pass the
// checks Read makes; when none holds one, the built-in sample salt if isSample says the run reads
// exactly the bundled sample's files (see IsSample), else an error naming what was tried.
// isSample is called only then.
func Choose(ctx context.Context, configured []Source,
	isSample func(context.Context) (bool, error)) (Source, error) {
	var tried []string
	for _, s := range configured {
		_, found, err := s.lookup(ctx)
		if err != nil {
			return Source{}, err
		}
		if found {
			return s, nil
		}
		tried = append(tried, s.String())
	}
	if isSample != nil {
		ok, err := isSample(ctx)
		if err != nil {
			return Source{}, err
		}
		if ok {
			return Sample, nil
		}
	}
	return Source{}, fmt.Errorf("no hashing salt: set %s (only the bundled sample's own files "+
		"run without one)", strings.Join(tried, " or "))
}

// envProvider reads environment variables; an empty variable is an unset one.
type envProvider struct{}

func (envProvider) Lookup(_ context.Context, name string) (string, bool, error) {
	if name == "" {
		return "", false, fmt.Errorf("no variable named")
	}
	v := os.Getenv(name)
	return v, v != "", nil
}

func (envProvider) Describe(name string) string { return "environment variable " + name }

// fileProvider reads files through Beam's filesystems; a file named is expected to exist, so a
// missing or empty one is an error rather than a salt not found.
type fileProvider struct{}

func (fileProvider) Lookup(ctx context.Context, name string) (string, bool, error) {
	if name == "" {
		return "", false, fmt.Errorf("no file named")
	}
	fs, err := filesystem.New(ctx, name)
	if err != nil {
		return "", false, err
	}
	defer fs.Close()
	rc, err := fs.OpenRead(ctx, name)
	if err != nil {
		return "", false, err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, maxFileBytes+1))
	if err != nil {
		return "", false, err
	}
	if len(data) > maxFileBytes {
		return "", false, fmt.Errorf("larger than %d bytes: not a salt file", maxFileBytes)
	}
	v := strings.TrimRight(string(data), "\r\n")
	if v == "" {
		return "", false, fmt.Errorf("empty")
	}
	return v, true, nil
}

// maxFileBytes bounds a salt file, so that a wrong path (a data file) is not read whole.
const maxFileBytes = 4096

func (fileProvider) Describe(name string) string { return "file " + name }

// sampleProvider holds the bundled sample's salt, which protects nothing: it is public.
type sampleProvider struct{}

// sampleSalt hashes the bundled sample's synthetic identifiers.
const sampleSalt = "bundled-sample-salt"

func (sampleProvider) Lookup(context.Context, string) (string, bool, error) {
	return sampleSalt, true, nil
}

func (sampleProvider) Describe(string) string { return "the bundled sample's built-in salt" }

func init() {
	Register(KindEnv, envProvider{})
	Register(KindFile, fileProvider{})
	Register(KindSample, sampleProvider{})
}
