package salt

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const longSalt = "a-long-enough-salt-for-tests"

func TestChooseTakesTheFirstConfiguredSalt(t *testing.T) {
	t.Setenv("PORTRAITS_SALT_A", "")
	t.Setenv("PORTRAITS_SALT_B", longSalt)
	called := false
	configured := []Source{Env("PORTRAITS_SALT_A"), Env("PORTRAITS_SALT_B")}
	src, err := Choose(context.Background(), configured,
		func(context.Context) (bool, error) { called = true; return true, nil })
	if err != nil || src != Env("PORTRAITS_SALT_B") {
		t.Fatalf("Choose = %v, %v; want the second variable", src, err)
	}
	if called {
		t.Error("the sample check ran although a salt was configured")
	}
	if v, err := src.Read(context.Background()); err != nil || v != longSalt {
		t.Fatalf("Read = %q, %v", v, err)
	}
	if s := src.String(); s != "environment variable PORTRAITS_SALT_B" {
		t.Errorf("String = %q", s)
	}
}

func TestChooseRefusesShortSalts(t *testing.T) {
	for _, v := range []string{"x", " ", "fifteen-bytes!!", strings.Repeat(" ", 20)} {
		t.Setenv("PORTRAITS_SALT_SHORT", v)
		_, err := Choose(context.Background(), []Source{Env("PORTRAITS_SALT_SHORT")}, nil)
		if err == nil || !strings.Contains(err.Error(), "PORTRAITS_SALT_SHORT") {
			t.Errorf("salt %q: err = %v, want a refusal naming the variable", v, err)
			continue
		}
		if len(v) > 4 && strings.Contains(err.Error(), v) {
			t.Errorf("the refusal shows the salt: %v", err)
		}
		if _, err := Env("PORTRAITS_SALT_SHORT").Read(context.Background()); err == nil {
			t.Errorf("salt %q: a worker's Read accepted it", v)
		}
	}
	t.Setenv("PORTRAITS_SALT_SHORT", "sixteen-bytes!!!")
	_, err := Choose(context.Background(), []Source{Env("PORTRAITS_SALT_SHORT")}, nil)
	if err != nil {
		t.Errorf("a 16-byte salt: %v", err)
	}
}

func TestChooseFallsBackToTheSampleOnlyForTheSample(t *testing.T) {
	t.Setenv("PORTRAITS_SALT_UNSET", "")
	ctx := context.Background()
	yes := func(context.Context) (bool, error) { return true, nil }
	no := func(context.Context) (bool, error) { return false, nil }
	unset := []Source{Env("PORTRAITS_SALT_UNSET")}
	if src, err := Choose(ctx, unset, yes); err != nil || src != Sample {
		t.Fatalf("the sample without a salt: %v, %v; want the sample's salt", src, err)
	}
	_, err := Choose(ctx, unset, no)
	if err == nil ||
		!strings.Contains(err.Error(), "set environment variable PORTRAITS_SALT_UNSET") {
		t.Fatalf("other data without a salt: %v, want a refusal naming the variable", err)
	}
	broken := errors.New("disk on fire")
	failing := func(context.Context) (bool, error) { return false, broken }
	if _, err := Choose(ctx, nil, failing); !errors.Is(err, broken) {
		t.Fatalf("a failed sample check: %v", err)
	}
	if v, err := Sample.Read(ctx); err != nil || len(v) < MinBytes {
		t.Fatalf("the sample's salt: %d bytes, %v", len(v), err)
	}
}

func TestUnknownKind(t *testing.T) {
	src := Source{Kind: "vault", Name: "x"}
	_, err := src.Read(context.Background())
	if err == nil || !strings.Contains(err.Error(), "vault") {
		t.Fatalf("Read of an unknown kind: %v", err)
	}
}

// TestFileSaltIsReadWithoutItsLineBreak: `openssl rand -hex 32 > FILE` ends the salt with a line
// break, which is not part of it; an empty or missing file is an error, not a salt not found.
func TestFileSaltIsReadWithoutItsLineBreak(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "salt")
	if err := os.WriteFile(file, []byte(longSalt+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := File(file).Read(context.Background())
	if err != nil || got != longSalt {
		t.Errorf("Read = %q, %v; want %q", got, err, longSalt)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{empty, filepath.Join(dir, "missing")} {
		_, err := Choose(context.Background(), []Source{File(f)}, nil)
		if err == nil || !strings.Contains(err.Error(), "file "+f) {
			t.Errorf("Choose(File(%s)) = %v, want an error naming the file", f, err)
		}
	}
}
