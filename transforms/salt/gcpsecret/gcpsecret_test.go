package gcpsecret

import (
	"context"
	"net"
	"strings"
	"sync/atomic"
	"testing"

	"cloud.google.com/go/secretmanager/apiv1/secretmanagerpb"
	"google.golang.org/api/option"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	"github.com/shopportraits/portraits/transforms/salt"
)

// fakeSecrets is a Secret Manager that holds versions in memory and counts the reads.
type fakeSecrets struct {
	secretmanagerpb.UnimplementedSecretManagerServiceServer
	versions map[string]string
	reads    atomic.Int32
}

func (f *fakeSecrets) AccessSecretVersion(_ context.Context,
	req *secretmanagerpb.AccessSecretVersionRequest) (*secretmanagerpb.AccessSecretVersionResponse,
	error) {
	f.reads.Add(1)
	v, ok := f.versions[req.GetName()]
	if !ok {
		return nil, status.Errorf(codes.NotFound, "Secret [%s] not found", req.GetName())
	}
	return &secretmanagerpb.AccessSecretVersionResponse{Name: req.GetName(),
		Payload: &secretmanagerpb.SecretPayload{Data: []byte(v)}}, nil
}

// serve starts fake on a local port and points the provider at it for the test.
func serve(t *testing.T, fake *fakeSecrets) {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	secretmanagerpb.RegisterSecretManagerServiceServer(srv, fake)
	go srv.Serve(lis)
	t.Cleanup(srv.Stop)
	saved := secrets.options
	secrets.options = []option.ClientOption{option.WithEndpoint(lis.Addr().String()),
		option.WithoutAuthentication(),
		option.WithGRPCDialOption(grpc.WithTransportCredentials(insecure.NewCredentials()))}
	t.Cleanup(func() {
		secrets.options = saved
		secrets.mu.Lock()
		secrets.cache = map[string]string{}
		secrets.mu.Unlock()
	})
}

const version = "projects/shop/secrets/portraits-salt/versions/3"

// TestSecretIsReadOncePerProcess: every DoFn of a worker reads the salt in its Setup; the secret
// is fetched once, and the source that travels names the version, not the salt.
func TestSecretIsReadOncePerProcess(t *testing.T) {
	const value = "a-salt-from-secret-manager-0123456789"
	fake := &fakeSecrets{versions: map[string]string{version: value}}
	serve(t, fake)
	src, err := salt.Choose(context.Background(), []salt.Source{Source(version)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		got, err := src.Read(context.Background())
		if err != nil || got != value {
			t.Fatalf("Read = %q, %v; want the secret's value", got, err)
		}
	}
	if n := fake.reads.Load(); n != 1 {
		t.Errorf("the secret was read %d times, want once", n)
	}
	if strings.Contains(src.String()+src.Name+src.Kind, value) {
		t.Errorf("the source %+v holds the salt", src)
	}
}

// TestMissingOrShortSecretsAreErrors: a version that does not exist, one too short to be a salt
// and a name that is not a version's all fail with the name in the message.
func TestMissingOrShortSecretsAreErrors(t *testing.T) {
	short := "projects/shop/secrets/short/versions/1"
	serve(t, &fakeSecrets{versions: map[string]string{short: "x"}})
	for name, want := range map[string]string{
		"projects/shop/secrets/absent/versions/1": "NotFound",
		short:                     "at least 16 needed",
		"projects/shop/secrets/s": "want projects/PROJECT/secrets/SECRET/versions/VERSION",
	} {
		_, err := salt.Choose(context.Background(), []salt.Source{Source(name)}, nil)
		if err == nil || !strings.Contains(err.Error(), name) ||
			!strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want one naming it and saying %q", name, err, want)
		}
	}
}
