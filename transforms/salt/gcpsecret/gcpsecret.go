// Package gcpsecret lets a run's hashing salt live in Google Cloud Secret Manager: the launcher and
// every worker read the secret version themselves, with their own credentials (the worker service
// account on Dataflow), so the salt is in no environment, flag, job graph or log. Importing the
// package registers the kind "gcp-secret" with package salt.
//
// It uses Google's own client (cloud.google.com/go/secretmanager), which handles credentials,
// retries and the API's transport like the BigQuery and Cloud Storage clients the job already uses.
package gcpsecret

import (
	"context"
	"fmt"
	"regexp"
	"sync"

	secretmanager "cloud.google.com/go/secretmanager/apiv1"
	"cloud.google.com/go/secretmanager/apiv1/secretmanagerpb"
	"google.golang.org/api/option"

	"github.com/shopportraits/portraits/transforms/salt"
)

// Kind is the salt source kind of a Secret Manager secret version.
const Kind = "gcp-secret"

// Source is the salt held by a secret version, named in full:
// projects/PROJECT/secrets/SECRET/versions/VERSION (VERSION a number or "latest"; a number keeps
// every night of a history on one salt even after a new version is added).
func Source(version string) salt.Source { return salt.Source{Kind: Kind, Name: version} }

// versionName is the shape of a secret version's resource name.
var versionName = regexp.MustCompile(`^projects/[^/]+/secrets/[^/]+/versions/[^/]+$`)

// provider reads secret versions once per process: a worker's DoFns all set up with one call.
type provider struct {
	// options are the client's options: none in production, a fake server's address in tests.
	options []option.ClientOption

	mu    sync.Mutex
	cache map[string]string
}

var secrets = &provider{cache: map[string]string{}}

func (p *provider) Lookup(ctx context.Context, name string) (string, bool, error) {
	if !versionName.MatchString(name) {
		return "", false, fmt.Errorf("want projects/PROJECT/secrets/SECRET/versions/VERSION")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if v, ok := p.cache[name]; ok {
		return v, true, nil
	}
	client, err := secretmanager.NewClient(ctx, p.options...)
	if err != nil {
		return "", false, fmt.Errorf("secret manager client: %w", err)
	}
	defer client.Close()
	resp, err := client.AccessSecretVersion(ctx,
		&secretmanagerpb.AccessSecretVersionRequest{Name: name})
	if err != nil {
		return "", false, err
	}
	v := string(resp.GetPayload().GetData())
	if v == "" {
		return "", false, fmt.Errorf("the secret version is empty")
	}
	p.cache[name] = v
	return v, true, nil
}

func (*provider) Describe(name string) string { return "Secret Manager secret " + name }

func init() { salt.Register(Kind, secrets) }
