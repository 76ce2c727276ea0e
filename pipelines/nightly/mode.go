package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/clean"
	"github.com/shopportraits/portraits/transforms/sink"
	"github.com/shopportraits/portraits/transforms/sources"
	"github.com/shopportraits/portraits/transforms/state"
)

// The modes of a night, as the manifest records them.
const (
	modeFull        = "full"
	modeIncremental = "incremental"
)

// nightMode is how a night is built and why.
type nightMode struct {
	Mode   string
	Reason string
	// Previous is the run whose state an incremental night continues.
	Previous string
}

// window is the partitions the night reads: every one up to the date for a full night.
func (m nightMode) window(date string) sources.Window {
	w := sources.Window{Through: date}
	if m.Mode == modeIncremental {
		w.Previous = m.Previous
	}
	return w
}

// chooseMode decides how the night is built: incremental when it continues a previous run whose
// state it can read, built with the same salt and configs and the same state format; in full
// otherwise, saying why.
func chooseMode(
	ctx context.Context,
	o options,
	previous string,
	prints map[string]string,
) (nightMode, error) {
	switch {
	case o.FullRefresh:
		return nightMode{Mode: modeFull, Reason: "--full-refresh"}, nil
	case !o.Incremental:
		return nightMode{Mode: modeFull, Reason: "incremental nights are off (--incremental)"}, nil
	case previous == "":
		return nightMode{Mode: modeFull, Reason: "no previous run to continue"}, nil
	}
	m, err := sink.ReadManifest(ctx, o.Output, previous)
	if err != nil {
		return nightMode{}, err
	}
	if m.StateVersion == 0 {
		return nightMode{Mode: modeFull, Reason: fmt.Sprintf(
			"the run of %s kept no state (it ran without --incremental)", previous)}, nil
	}
	if m.StateVersion != state.Version {
		return nightMode{Mode: modeFull, Reason: fmt.Sprintf(
			"the run of %s keeps state of format %d, this build reads %d", previous,
			m.StateVersion, state.Version)}, nil
	}
	var changed []string
	for name, print := range prints {
		if m.Fingerprints[name] != print {
			changed = append(changed, name)
		}
	}
	if len(changed) > 0 {
		sort.Strings(changed)
		return nightMode{Mode: modeFull, Reason: fmt.Sprintf("the %s changed since the run of %s",
			strings.Join(changed, ", "), previous)}, nil
	}
	return nightMode{Mode: modeIncremental, Previous: previous,
		Reason: "continues the state of the run of " + previous}, nil
}

// fingerprints identify what a night is built with: the content of each config file (or
// "built-in"), the schema version and a keyed hash of the salt, which tells whether two runs used
// one salt and reveals nothing of it. A night whose fingerprints differ from its previous run's is
// built in full.
func fingerprints(o options, opts clean.Options) (map[string]string, error) {
	out := map[string]string{"schemas": fmt.Sprint(schemas.Version)}
	for name, file := range map[string]string{"sources": o.Sources, "resolve": o.ResolveConfig,
		"portrait": o.PortraitConfig, "segments": o.Segments} {
		if file == "" {
			out[name] = "built-in"
			continue
		}
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("fingerprint of the %s config: %w", name, err)
		}
		sum := sha256.Sum256(data)
		out[name] = hex.EncodeToString(sum[:8])
	}
	salt, err := opts.Salt()
	if err != nil {
		return nil, err
	}
	mac := hmac.New(sha256.New, []byte(salt))
	mac.Write([]byte("portraits: salt fingerprint"))
	out["salt"] = hex.EncodeToString(mac.Sum(nil)[:8])
	return out, nil
}
