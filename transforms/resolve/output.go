package resolve

import (
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/fnreg"
	"github.com/shopportraits/portraits/transforms/resolve/identity"
)

// identityFn writes each member's row of the identity map and its (node key, person id) pair for
// the later stages, from the batches of members by part. The part → person side input is built
// into a map once per worker; it holds one entry per person (about 100 bytes each: 1 GiB at ten
// million persons).
type identityFn struct {
	persons map[string]string
}

func (f *identityFn) ProcessElement(
	_ int,
	b []byte,
	assigned func() func(*string, *string) bool,
	pairs func(string, string),
	rows func(schemas.IdentityLink),
) error {
	if f.persons == nil {
		f.persons = sideMap(assigned)
	}
	return readMembers(
		b,
		func(partKey string, m member) { emitIdentity(f.persons[partKey], m, pairs, rows) },
	)
}

// emitIdentity writes one member's row and pair.
func emitIdentity(
	person string,
	m member,
	pairs func(string, string),
	rows func(schemas.IdentityLink),
) {
	typ, _ := identity.Split(m.Key)
	link := schemas.IdentityLink{
		IDType:   typ,
		IDHash:   m.IDHash,
		PersonID: person,
		LinkedBy: "deterministic",
		Score:    1,
		Guard:    m.Guard,
	}
	switch {
	case m.Score > 0:
		link.LinkedBy, link.Score = "probabilistic", m.Score
	case m.PartSize == 1:
		link.LinkedBy = "alone"
	}
	pairs(m.Key, person)
	rows(link)
}

func init() {
	fnreg.DoFn5x1[int, []byte, func() func(*string, *string) bool, func(string, string),
		func(schemas.IdentityLink), error](
		&identityFn{},
	)
	register.Emitter1[schemas.IdentityLink]()
}
