// Package saltflag gives every command the same three flags that say where the hashing salt is:
// a Secret Manager secret version (production: launcher and workers read it themselves), a file
// (workers in other processes on one machine) or an environment variable (a run in one process).
package saltflag

import (
	"flag"

	"github.com/shopportraits/portraits/transforms/salt"
	"github.com/shopportraits/portraits/transforms/salt/gcpsecret"
)

// Flags hold the values of the salt flags.
type Flags struct {
	Secret, File, Env string
}

// Register defines --salt-secret, --salt-file and --salt-env on fs, setting f.
func (f *Flags) Register(fs *flag.FlagSet) {
	fs.StringVar(&f.Secret, "salt-secret", "", "Secret Manager secret version holding the hashing "+
		"salt, projects/P/secrets/S/versions/V: read by the launcher and by every worker with "+
		"its own credentials (for Dataflow)")
	fs.StringVar(&f.File, "salt-file", "", "file holding the hashing salt (local path or gs://), "+
		"which every worker must be able to read")
	fs.StringVar(&f.Env, "salt-env", "PORTRAITS_SALT", "environment variable holding the hashing "+
		"salt, for runs in one process (workers elsewhere do not see it)")
}

// Sources are the places the flags name, in the order tried: the secret, the file, then the
// environment variable.
func (f *Flags) Sources() []salt.Source {
	var s []salt.Source
	if f.Secret != "" {
		s = append(s, gcpsecret.Source(f.Secret))
	}
	if f.File != "" {
		s = append(s, salt.File(f.File))
	}
	return append(s, salt.Env(f.Env))
}
